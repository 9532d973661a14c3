package platform.sockopt.impl;

import java.nio.ByteBuffer;
import java.util.List;

import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MsgTypeInfo;
import platform.sockopt.api.Sockopt;
import platform.sockopt.api.SockoptReply;

/**
 * GET {@link Sockopt#GET_MSG_TYPES} while a message manager runs. The only class of the bundle that names
 * {@code platform.msgmgr.api} types (its import is optional): it is loaded when a message manager is bound, never
 * otherwise, so the control socket resolves, starts and serves without the message manager.
 */
final class MsgTypesGet
{
    private final MsgManager msg;

    MsgTypesGet(final MsgManager msg)
    {
        this.msg = msg;
    }

    /**
     * @param service a {@code MsgManager} (typed Object so that callers need not load the class).
     * @return the GET serving its types.
     */
    static MsgTypesGet of(final Object service)
    {
        return new MsgTypesGet((MsgManager)service);
    }

    /** The layout is drawn in {@link Sockopt#GET_MSG_TYPES}. */
    int get(final SockoptReply reply)
    {
        final List<MsgTypeInfo> types = msg.types();
        final ByteBuffer b = SockoptCore.tableBody(reply, types.size(), Sockopt.MSG_ENTRY_LENGTH);
        int at = Sockopt.RANGES_HEADER_LENGTH;
        for (final MsgTypeInfo t : types)
        {
            b.putInt(at + Sockopt.MSG_ID_OFFSET, t.id());
            b.putInt(at + Sockopt.MSG_LCORE_OFFSET, t.lcore());
            b.putLong(at + Sockopt.MSG_SENT_OFFSET, t.sent());
            b.putLong(at + Sockopt.MSG_RECEIVED_OFFSET, t.received());
            b.putLong(at + Sockopt.MSG_FINISHED_OFFSET, t.finished());
            b.putLong(at + Sockopt.MSG_DROPPED_OFFSET, t.dropped());
            b.putLong(at + Sockopt.MSG_TIMED_OUT_OFFSET, t.timedOut());
            b.putLong(at + Sockopt.MSG_CALLBACK_FAILURES_OFFSET, t.callbackFailures());
            b.putLong(at + Sockopt.MSG_RING_FULL_OFFSET, t.ringFull());
            b.putLong(at + Sockopt.MSG_LATE_REPLIES_OFFSET, t.lateReplies());
            SockoptCore.putString(b, at + Sockopt.MSG_MODE_OFFSET, Sockopt.MSG_MODE_LENGTH, t.mode().name());
            SockoptCore.putString(b, at + Sockopt.MSG_PRIORITY_OFFSET, Sockopt.MSG_PRIORITY_LENGTH,
                t.priority().name());
            SockoptCore.putString(b, at + Sockopt.MSG_NAME_OFFSET, Sockopt.MSG_NAME_LENGTH, t.name());
            SockoptCore.putString(b, at + Sockopt.MSG_OWNER_OFFSET, Sockopt.MSG_OWNER_LENGTH, t.owner());
            at += Sockopt.MSG_ENTRY_LENGTH;
        }
        return Edpvs.OK;
    }
}
