package platform.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test host: a network namespace of its own joined to this namespace by a veth pair. The namespace end gets an
 * address and a default route through the platform's address on the link; the end here has no address (the
 * platform's af_packet port opens it). IPv6 is off on both ends so nothing but the test's traffic crosses the link.
 * Names carry a random suffix; {@link #close()} removes everything and may be called on a half-built host.
 */
final class NetNsHost implements AutoCloseable
{
    private static final long COMMAND_TIMEOUT_S = 30;

    final String ns;
    /** The end in this namespace, for the platform's port. */
    final String link;
    /** The end in the host's namespace. */
    final String peer;
    final String address;

    /**
     * @param tag     a short tag for the names (at most 3 characters).
     * @param address the host's address, e.g. 10.0.1.2.
     * @param plen    its prefix length.
     * @param gateway its default route's gateway (the platform's address).
     */
    NetNsHost(final String tag, final String address, final int plen, final String gateway)
        throws IOException, InterruptedException
    {
        requireRoot();
        final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        this.ns = "dp" + tag + suffix;
        this.link = "dl" + tag + suffix;
        this.peer = "dn" + tag + suffix;
        this.address = address;
        try
        {
            run(true, "ip", "netns", "add", ns);
            run(true, "ip", "link", "add", link, "type", "veth", "peer", "name", peer, "netns", ns);
            disableIpv6(null, link);
            disableIpv6(ns, peer);
            run(true, "ip", "link", "set", link, "up");
            inNs("ip", "link", "set", "lo", "up");
            inNs("ip", "addr", "add", address + "/" + plen, "dev", peer);
            inNs("ip", "link", "set", peer, "up");
            inNs("ip", "route", "add", "default", "via", gateway);
        }
        catch (final IOException | InterruptedException | RuntimeException | Error ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * Pings from the host.
     *
     * @param to    the destination.
     * @param count how many echo requests.
     * @return ping's exit code (0 when an answer came) and output.
     */
    Result ping(final String to, final int count) throws IOException, InterruptedException
    {
        return exec(false, "ip", "netns", "exec", ns, "ping", "-n", "-c", Integer.toString(count), "-i", "0.2",
            "-W", "2", to);
    }

    /** Sends n UDP datagrams to to:port, each from a fresh socket, with bash's /dev/udp. */
    void sendUdp(final String to, final int port, final int n) throws IOException, InterruptedException
    {
        inNs("bash", "-c", "for i in $(seq 1 " + n + "); do echo datagram$i > /dev/udp/" + to + "/" + port
            + "; done");
    }

    /** @return the host kernel's UDP datagrams that came in to a port nobody listens on (/proc/net/snmp NoPorts). */
    long udpNoPorts() throws IOException, InterruptedException
    {
        final String[] lines = inNs("cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++)
        {
            if (lines[i].startsWith("Udp: ") && lines[i + 1].startsWith("Udp: "))
            {
                final List<String> names = Arrays.asList(lines[i].trim().split("\\s+"));
                return Long.parseLong(lines[i + 1].trim().split("\\s+")[names.indexOf("NoPorts")]);
            }
        }
        throw new AssertionError("no Udp lines in /proc/net/snmp of " + ns);
    }

    /** @return the host's neighbour table. */
    String neighbours() throws IOException, InterruptedException
    {
        return inNs("ip", "neigh", "show", "dev", peer);
    }

    String inNs(final String... cmd) throws IOException, InterruptedException
    {
        final List<String> c = new ArrayList<>(Arrays.asList("ip", "netns", "exec", ns));
        c.addAll(Arrays.asList(cmd));
        return run(true, c.toArray(new String[0]));
    }

    private void disableIpv6(final String inNs, final String dev) throws IOException, InterruptedException
    {
        final String f = "/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6";
        if (null == inNs)
        {
            if (Files.exists(Path.of(f)))
            {
                Files.writeString(Path.of(f), "1");
            }
        }
        else
        {
            inNs("sh", "-c", "[ ! -e " + f + " ] || echo 1 > " + f);
        }
    }

    /** A command's exit code and output. */
    record Result(int exit, String output)
    {
    }

    static String run(final boolean check, final String... cmd) throws IOException, InterruptedException
    {
        return exec(check, cmd).output;
    }

    static Result exec(final boolean check, final String... cmd) throws IOException, InterruptedException
    {
        final Process p;
        try
        {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("this test needs " + cmd[0] + " (Debian: iproute2, iputils-ping, bash): " + ex,
                ex);
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Thread reader = new Thread(() ->
        {
            try (InputStream in = p.getInputStream())
            {
                in.transferTo(out);
            }
            catch (final IOException ignored)
            {
                // the process is gone
            }
        }, "netns-cmd");
        reader.start();
        if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + ": no exit in " + COMMAND_TIMEOUT_S + " s");
        }
        reader.join(TimeUnit.SECONDS.toMillis(COMMAND_TIMEOUT_S));
        final String s;
        synchronized (out)
        {
            s = out.toString();
        }
        if (check && 0 != p.exitValue())
        {
            throw new AssertionError(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + s);
        }
        return new Result(p.exitValue(), s);
    }

    private static void requireRoot() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("Uid:") && !"0".equals(line.split("\\s+")[2]))
            {
                throw new AssertionError("this test needs root (namespaces, veth, raw sockets); CI runs as root");
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            run(false, "ip", "link", "del", link);
            run(false, "ip", "netns", "del", ns);
        }
        catch (final IOException | InterruptedException ex)
        {
            throw new AssertionError("cleaning up " + ns + "/" + link + ": " + ex, ex);
        }
    }
}
