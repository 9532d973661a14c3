/**
 * The message manager's implementation (not exported).
 *
 * <h2>Roles</h2>
 * <pre>
 * MsgCore               wires the roles; the senders' entry points (sendAsync, sendSync, multicastSync/Async)
 * Registrar             REG/UNREG: all-or-nothing register, batch unregister            (any thread + target lcore)
 * MulticastCoordinator  the master's multicasts: start, replies, completion, expiry, drop        (master lcore)
 * Dispatcher            drain by priority, handle by kind, callbacks, reply to master, drop    (owning lcore)
 * SyncWaiter            a synchronous sender's wait; finish = terminal CAS + unpark           (sender / finisher)
 * LcoreMsg, MsgPool, MsgImpl, McQueue, TypeEntry   per-lcore state, the pool, a message, a multicast, a type
 * </pre>
 *
 * <h2>Who holds a message</h2>
 * Every message is set up by {@link platform.msgmgr.impl.MsgImpl#init} with the number of holders below; each
 * holder calls {@code release()} exactly once, and the last returns the message to the pool. When an offer to a
 * ring fails, the ring's reference was never handed out: the sender releases it too (it is then the last).
 * <pre>
 * kind / path                 refs  holders (each releases once)
 * USER  sendAsync              1    the receiving lcore, after the callback (or the drop)
 * USER  sendSync               2    the receiving lcore, after the callback (or the drop);
 *                                   the sender, after reading flags and reply
 * USER  multicast copy         1    the worker, after its callback and its reply to the master
 * MC_REPLY                     1    the master, after recording it (or counting it late/duplicate)
 * MC_START multicastAsync      1    the master, after completing (or dropping) it
 * MC_START multicastSync       2    the master, after completing (or dropping) it;
 *                                   the sender, after copying the replies into its MulticastResult
 * REG / UNREG                  2    the target lcore, after applying it; the registrant, after its wait
 * </pre>
 * The multicast queue ({@link platform.msgmgr.impl.McQueue}) of a started multicast belongs to its original: the
 * replies a synchronous sender copies stay valid until the sender's {@code release()}, and a queue is reused only
 * after its original's last release, never while a sender may still read it.
 *
 * <h2>How a message ends</h2>
 * Flags only gain bits. FIN and DROP are terminal and exclusive, set by one CAS
 * ({@link platform.msgmgr.impl.MsgImpl#tryTerminate}): the receiver finishing, the sender timing out
 * ({@code SENDER_GAVE_UP}) or a drop. Whoever wins the CAS wakes a parked sender
 * ({@link platform.msgmgr.impl.SyncWaiter#finish}) or calls the multicast completion; the loser counts a late
 * reply.
 */
package platform.msgmgr.impl;
