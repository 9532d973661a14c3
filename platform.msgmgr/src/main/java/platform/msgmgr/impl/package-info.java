/**
 * The message manager's implementation (not exported).
 *
 * <h2>Roles</h2>
 * <pre>
 * MsgCore               wires the roles; the senders' entry points (sendAsync, sendSync, multicastSync/Async)
 * Registrar             REG/UNREG: all-or-nothing register, batch unregister            (any thread + target lcore)
 * MulticastCoordinator  the master's multicasts: start, replies, completion, expiry, drop        (master lcore)
 * Dispatcher            drain by priority, handle by kind, callbacks, reply to master, drop    (owning lcore)
 * SyncWaiter            a synchronous sender's wait; finish = terminal CAS + hand-over + unpark  (sender / finisher)
 * LcoreMsg, MsgPool, MsgImpl, McQueue, TypeEntry   per-lcore state, the pool, a message, a multicast, a type
 * LcoreCounter          a counter with one single-writer slot per lcore (a type's sent count)
 * </pre>
 *
 * <h2>Who holds a message, and who returns it to the pool</h2>
 * A message is either ASYNC (nobody waits for it: it has one holder at a time, and that holder ends and recycles
 * it with plain stores) or waited (a sender waits for its end: two holders, the sender and the receiving side).
 * For a waited message the terminal CAS is also the hand-over: <b>whoever did not end it recycles it</b>.
 * <ul>
 * <li>the receiving side ends it (FIN, or DROP when the type is gone): from that CAS on the message is the
 * sender's, which reads flags and reply and recycles it ({@code SyncWaiter.senderDone}); the receiving side does
 * not touch it again;</li>
 * <li>the sender gives up (TIMEOUT|DROP|{@code SENDER_GAVE_UP}): the receiving side may still be in the callback,
 * writing a reply into it. Both then {@code release()} the reference count set to 2 at {@code init} (the only
 * atomic decrements left, on this slow path), and the second recycles it. So a late reply is only ever written into
 * a message no new sender has yet, and the sender never reads it (it reports no reply after a DROP).</li>
 * </ul>
 * A message that never got onto a ring (ring full) is still only its sender's: it recycles it.
 * <pre>
 * kind / path                 holders                        recycled by
 * USER  sendAsync             the receiving lcore            that lcore, after the callback (or the drop)
 * USER  sendSync              sender + receiving lcore       the sender when the lcore ended it (common path);
 *                                                            else the second release (sender gave up)
 * USER  multicast copy        the worker                     nobody: the worker turns it into its MC_REPLY
 * MC_REPLY                    the master                     the master, after recording it (or counting it late)
 * MC_START multicastAsync     the master                     the master, after the completion ran
 * MC_START multicastSync      sender + master                the sender when the master ended it (with its
 *                                                            queue, after copying the replies); else the second
 *                                                            release (sender gave up)
 * (none) multicastSync        the master (sender and          no original message: the master recycles the queue
 *   sent by the master        coordinator, one thread)        after copying the replies (McQueue.own())
 * REG / UNREG                 registrant + target lcore      as sendSync
 * </pre>
 * The multicast queue ({@link platform.msgmgr.impl.McQueue}) of a started multicast belongs to its original: it is
 * recycled with it, so the replies a synchronous sender copies stay valid until it recycles the original. A
 * synchronous multicast the master sends itself has no original: nobody can race its end (the master sends it,
 * completes it in its own drain, times it out there, and waits for it there), so the queue alone carries it
 * ({@code MulticastCoordinator.startOwn}, {@code SyncWaiter.awaitOwn}) and the master recycles it. A
 * recycled message is marked ({@code MsgImpl.pooled}): recycling it again throws and is counted.
 *
 * <h2>How a message ends, and the atomic operations per message</h2>
 * Two words per message, each with as few writers as possible: the flag word (set up by the sender before the ring
 * publishes the message, then only the terminal transition) and the progress word (STATE_RECV, the receiver's
 * only, as the generation of the use it took). Flags as callers see them are the union; they only gain bits; FIN and DROP are terminal and exclusive.
 * <ul>
 * <li>ASYNC message: the receiver stores RECV, then FIN (or DROP), with plain release stores: no read-modify-write
 * on the message.</li>
 * <li>Waited message: the receiver stores RECV with a volatile store and then reads the flags
 * ({@code MsgImpl.markReceived}); if its sender already gave up it skips the callback. After the callback one CAS
 * ends it ({@code MsgImpl.tryTerminate}), racing only the sender's give-up CAS: the one that wins decides FIN
 * versus TIMEOUT, wakes a parked sender ({@link platform.msgmgr.impl.SyncWaiter#finish}) and hands the message
 * over as above; the loser counts a late reply. The sender gives up with that CAS and then reads the progress word,
 * so the RECV store and the give-up form a Dekker handshake: a send reported without STATE_RECV was never handled.
 * The progress word sits in a padded cell of its own, off the line the sender polls, and a receiver that handled
 * the message puts STATE_RECV into its terminal CAS as well: on success the sender reads one line, the one it polls.
 * The word holds the generation of the use received ({@code MsgImpl.gen}, raised by each set-up), not a bit, so
 * nobody clears it on recycle and it stays in the receiver's cache from one use to the next.
 * The receiver stores RECV while the message still sits in its ring and takes it off after
 * ({@code Dispatcher.drainRing}): taking it off writes the ring slot, a line the sender wrote last, and the fence
 * would otherwise wait for that line to come back from the sender's CPU before the callback could start.</li>
 * <li>A waited message an lcore sent to itself (its {@code cid} is the draining lcore): its sender is the draining
 * thread, waiting further down the same call stack or already given up (which this thread sees), so RECV is a
 * release store and the end a check and a release store, with no fence and no CAS.</li>
 * </ul>
 * <h2>Which lines a round trip moves</h2>
 * The fields a sender of one type to one lcore sets once (kind, type, mode, lcores, clock: {@code MsgImplCold})
 * come first in a message and are written only when they change; the per-use fields (sequence, generation, flags,
 * references, payload, reply) follow. So a round trip moves the per-use fields' line between the CPUs, and the
 * receiver reads the others from a line both CPUs keep. Whatever a receiver writes per message and senders read
 * per send sits on lines of its own: the callbacks' view, an lcore's sequence counter, the pool's stack depths,
 * the lcore loop's hot fields (platform.lcore).
 * The per-use fields take 24 bytes and objects are aligned to 8 only, so at 2 in 8 addresses they straddle two
 * lines. A synchronous sender on an lcore looks where its message sits while it waits ({@code CacheLines}: the
 * address through {@code sun.misc.Unsafe}) and recycles a straddling one to the shared queue instead of its stack
 * ({@code MsgPool.recycle(m, id, offStack)}); a stack left empty gets a message on one line ({@code refill}).
 * Per synchronous round trip that is one atomic read-modify-write on the message (the terminal CAS; before: the
 * RECV OR, the CAS and two reference-count releases), plus the ring's own enqueue. The per-type {@code sent}
 * counter is per sending lcore ({@link platform.msgmgr.impl.LcoreCounter}). One send in {@code latency_sample} (64)
 * per type and sender is timed: it reads the clock at the start, once per wait pass and once at the end (taking
 * the end from the wait's last pass instead saved a read but hid a preemption of the sender that fell between that
 * read and the look that saw the end), and records its latency. The others read no clock while the reply comes
 * within {@code SyncWaiter.CLOCK_FREE_PASSES} idle passes; their first clock read arms their deadline, and the
 * master arms an untimed multicast's ({@code MulticastCoordinator.arm}), so each waits at least its timeout. A
 * timed send makes the same clock-free passes before it reads the clock in its wait. A multicast from the master
 * to its workers: the rings' enqueues and nothing else atomic (a synchronous one sent by another thread adds the
 * CAS that ends its original): each worker sends its copy back as its reply, writing only the copy's per-use line
 * (so its other line, kind, sender and destination, stays shared), the master recycles those onto its own
 * stack (a copy that straddles two lines to the shared queue, looked at while the workers work) and keeps its
 * multicast queues on a stack of its own.
 *
 * <h2>The tests that prove it (each goes red when the code it names is removed)</h2>
 * <ul>
 * <li>{@code MsgHandOverStressTest}: terminal CAS exclusivity, the give-up path's release (instead of a recycle),
 * the sender's recycle on the common path, no reply read after a DROP, the receiver's skip of a message whose
 * sender gave up, and the volatile (Dekker) RECV store: with a release store it saw a send reported without
 * STATE_RECV that was handled.</li>
 * <li>{@code MsgLayoutTest}: the per-use fields after the set-once ones (a set-once field among them goes red),
 * and the callbacks' view padded. {@code MsgCoreTest.shouldSendToItselfFromAnLcoreWithoutDeadlock}: a message leaves
 * its ring before its callback runs (taking it after the callback let a nested drain handle it again).</li>
 * <li>{@code MsgPoolLinesTest}: addresses read right (two objects allocated in a row 16 bytes apart), straddling
 * messages kept off an lcore's stack (routing them to the stack goes red), the refill of an empty stack (without it
 * the straddling message came back); {@code MsgCoreTest.shouldTakeAStraddlingMessageOffTheSendingLcoresStack}: the
 * sender's look (without it the master sent the same straddling message again);
 * {@code MsgCoreTest.shouldTakeStraddlingMulticastCopiesOffTheMastersStack}: the master's look at its copies
 * (without it both straddling copies went back onto its stack).</li>
 * <li>{@code MsgCoreTest.shouldTimeOutThenDropTheLateReplyWithoutPoisoningLaterSends}: the skip at take;
 * {@code shouldNeverReuseAPooledMessageWhileItIsHeld}: leaks; the multicast tests: the master handing a
 * synchronous original over instead of recycling it; {@code shouldEndTheMastersOwnMulticastOnFailureTimeoutAndUnregister}:
 * the master's own multicast (no original) ends with its callbacks' outcome, at its deadline, and when its type
 * goes away while the master waits.</li>
 * </ul>
 */
package platform.msgmgr.impl;
