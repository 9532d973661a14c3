package platform.mp.client;

import java.io.IOException;
import java.nio.file.Path;

import platform.mp.api.MpException;

/**
 * File descriptors for messages ({@code MpMessage.fds()}, the {@code send}/{@code request} overloads with fds):
 * whether this JVM can pass them (JNA on the class path, 64-bit Linux), and the few calls a Java program needs
 * around a raw fd (the JDK has no public way to make a {@code FileDescriptor} of an int). Received fds belong to
 * the receiver: close them with {@link #close(int)}.
 * <p>
 * This class uses no JNA type itself, so that it loads (and answers {@code available() == false}) without JNA.
 */
public final class MpFds
{
    /** At most 8 fds per message (DPDK's RTE_MP_MAX_FD_NUM). */
    public static final int MAX = FdSocket.MAX_FDS;
    private static final String UNAVAILABLE = probe();

    private MpFds()
    {
    }

    private static String probe()
    {
        try
        {
            // initialising Libc loads JNA and libc; FdSocket is verified against JNA's classes
            Class.forName("platform.mp.client.Libc", true, MpFds.class.getClassLoader());
            Class.forName("platform.mp.client.FdSocket", true, MpFds.class.getClassLoader());
            return null;
        }
        catch (final LinkageError | ClassNotFoundException | RuntimeException e)
        {
            return e.toString();
        }
    }

    /**
     * @return true when this JVM can pass fds.
     */
    public static boolean available()
    {
        return null == UNAVAILABLE;
    }

    /**
     * @return why fds cannot be passed here, or null.
     */
    public static String unavailableReason()
    {
        return UNAVAILABLE;
    }

    private static void check()
    {
        if (!available())
        {
            throw new MpException(MpException.NOT_SUPPORTED, "no fd passing in this JVM: " + UNAVAILABLE);
        }
    }

    /**
     * @param path a file.
     * @return a read-only fd of it (close it with {@link #close(int)}).
     * @throws IOException when it cannot be opened.
     */
    public static int openRead(final Path path) throws IOException
    {
        check();
        return FdSocket.openRead(path);
    }

    /**
     * Reads through an fd, from its current offset.
     *
     * @param fd  an open fd (e.g. a received one).
     * @param max the most bytes.
     * @return the bytes read, empty at the end.
     * @throws IOException when read(2) fails.
     */
    public static byte[] read(final int fd, final int max) throws IOException
    {
        check();
        return FdSocket.read(fd, max);
    }

    /**
     * Closes an fd this process owns.
     *
     * @param fd the fd.
     * @return true when it was open.
     */
    public static boolean close(final int fd)
    {
        check();
        return 0 == FdSocket.closeFd(fd);
    }

    /**
     * Closes fds quietly (received fds nobody takes).
     *
     * @param fds the fds.
     */
    static void closeAll(final int[] fds)
    {
        if (fds.length > 0 && available())
        {
            FdSocket.closeAll(fds);
        }
    }

    /**
     * @param fds the fds of a message to send (null: none).
     * @return them, checked: at most 8, none negative.
     * @throws MpException EINVAL otherwise, ENOTSUP when this JVM cannot pass fds.
     */
    public static int[] checked(final int[] fds)
    {
        if (null == fds || 0 == fds.length)
        {
            return Frame.NO_FDS;
        }
        if (fds.length > MAX)
        {
            throw new MpException(MpException.INVALID, fds.length + " fds, at most " + MAX);
        }
        for (final int f : fds)
        {
            if (f < 0)
            {
                throw new MpException(MpException.INVALID, "bad fd " + f);
            }
        }
        check();
        return fds.clone();
    }
}
