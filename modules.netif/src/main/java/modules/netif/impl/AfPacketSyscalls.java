package modules.netif.impl;

import static modules.netif.impl.AfPacketDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * The set-up system calls of an af_packet port (socket, mmap, bind, setsockopt), each failure turned into a
 * {@link PortException} naming the port, the interface and the step with its errno text. Set-up only: the bursts
 * call {@link AfPacketLibC} directly.
 */
final class AfPacketSyscalls
{
    private final PortConf conf;
    private final String iface;
    private final int ifindex;

    AfPacketSyscalls(final PortConf conf, final String iface, final int ifindex)
    {
        this.conf = conf;
        this.iface = iface;
        this.ifindex = ifindex;
    }

    PortException failed(final String what, final LastErrorException ex)
    {
        final int errno = ex.getErrorCode();
        String hint = "";
        if (1 == errno || 13 == errno)
        {
            hint = " (af_packet needs CAP_NET_RAW, and CAP_NET_ADMIN to change the interface)";
        }
        return new PortException(conf, "iface " + iface + ": " + AfPacketLibC.describe(what, ex) + hint, ex);
    }

    int socket(final String where) throws PortException
    {
        try
        {
            return AfPacketLibC.socket(AF_PACKET, SOCK_RAW, 0);
        }
        catch (final LastErrorException ex)
        {
            throw failed(where + "socket(AF_PACKET, SOCK_RAW)", ex);
        }
    }

    long map(final int fd, final long size, final String where) throws PortException
    {
        final long addr;
        try
        {
            addr = AfPacketLibC.mmap(0, size, PROT_READ_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
        }
        catch (final LastErrorException ex)
        {
            throw failed(where + "mmap " + size + " bytes", ex);
        }
        if (MAP_FAILED == addr)
        {
            throw failed(where + "mmap " + size + " bytes", new LastErrorException(Native.getLastError()));
        }
        return addr;
    }

    void bind(final int fd, final int protocol, final String where) throws PortException
    {
        final ByteBuffer sll = ByteBuffer.allocate(SOCKADDR_LL_SIZE).order(ByteOrder.nativeOrder());
        sll.putShort(0, (short)AF_PACKET);
        sll.order(ByteOrder.BIG_ENDIAN).putShort(SLL_PROTOCOL, (short)protocol);
        sll.order(ByteOrder.nativeOrder()).putInt(SLL_IFINDEX, ifindex);
        try
        {
            AfPacketLibC.bind(fd, sll.array(), SOCKADDR_LL_SIZE);
        }
        catch (final LastErrorException ex)
        {
            throw failed(where + "bind", ex);
        }
    }

    void setInt(final int fd, final int name, final int value, final String what) throws PortException
    {
        final byte[] v = new byte[4];
        ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).putInt(0, value);
        setsockopt(fd, name, v, what);
    }

    void setsockopt(final int fd, final int name, final byte[] v, final String what) throws PortException
    {
        try
        {
            AfPacketLibC.setsockopt(fd, SOL_PACKET, name, v, v.length);
        }
        catch (final LastErrorException ex)
        {
            throw failed(what, ex);
        }
    }
}
