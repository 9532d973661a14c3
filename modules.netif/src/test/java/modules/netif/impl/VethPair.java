package modules.netif.impl;

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
 * A test fixture: a network namespace of its own and a veth pair, the host end in this namespace (for the driver
 * under test), the peer end in the new one with {@link #PEER_IP}/24 and a permanent neighbour entry for
 * {@link #HOST_IP} (so the namespace's kernel sends IPv4 to the host end without ARP). IPv6 is off on both ends so
 * no router solicitations or MLD reports cross the link. Names carry a random suffix; {@link #close()} removes
 * everything and may be called on a half-built fixture.
 */
final class VethPair implements AutoCloseable
{
    static final String HOST_IP = "10.77.0.1";
    static final String PEER_IP = "10.77.0.2";
    private static final long COMMAND_TIMEOUT_S = 20;

    final String ns;
    final String host;
    final String peer;

    VethPair() throws IOException, InterruptedException
    {
        requireRoot();
        final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        ns = "afpt" + suffix;
        host = "afh" + suffix;
        peer = "afn" + suffix;
        try
        {
            ip("netns", "add", ns);
            ip("link", "add", host, "type", "veth", "peer", "name", peer, "netns", ns);
            sysctl(null, host);
            sysctl(ns, peer);
            ip("link", "set", host, "up");
            inNs("ip", "link", "set", "lo", "up");
            inNs("ip", "addr", "add", PEER_IP + "/24", "dev", peer);
            inNs("ip", "link", "set", peer, "up");
            inNs("ip", "neigh", "replace", HOST_IP, "lladdr", hostMac(), "dev", peer, "nud", "permanent");
        }
        catch (final IOException | InterruptedException | RuntimeException | Error ex)
        {
            close();
            throw ex;
        }
    }

    /** @return the host end's MAC as "aa:bb:...". */
    String hostMac() throws IOException
    {
        return Files.readString(Path.of("/sys/class/net", host, "address")).trim();
    }

    /** @return the peer end's MAC as "aa:bb:...". */
    String peerMac() throws IOException, InterruptedException
    {
        return inNs("cat", "/sys/class/net/" + peer + "/address").trim();
    }

    /** @return the peer end's rx_packets counter. */
    long peerRxPackets() throws IOException, InterruptedException
    {
        return Long.parseLong(inNs("cat", "/sys/class/net/" + peer + "/statistics/rx_packets").trim());
    }

    /**
     * Sends UDP datagrams from the namespace's kernel to {@link #HOST_IP}, each from a fresh socket (so a fresh
     * source port, a fresh flow), with bash's {@code /dev/udp}.
     *
     * @param n         how many.
     * @param firstPort the destination port of the first; the others count up.
     */
    void sendUdpFromPeer(final int n, final int firstPort) throws IOException, InterruptedException
    {
        inNs("bash", "-c", "for i in $(seq 0 " + (n - 1) + "); do echo datagram$i > /dev/udp/" + HOST_IP + "/$(("
            + firstPort + " + i)); done");
    }

    /**
     * As {@link #sendUdpFromPeer} without waiting for it.
     *
     * @return the sending process.
     */
    Process startUdpFromPeer(final int n, final int firstPort) throws IOException
    {
        return new ProcessBuilder("ip", "netns", "exec", ns, "bash", "-c", "for i in $(seq 0 " + (n - 1)
            + "); do echo datagram$i > /dev/udp/" + HOST_IP + "/$((" + firstPort + " + i % 20000)); done")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    String inNs(final String... cmd) throws IOException, InterruptedException
    {
        final List<String> c = new ArrayList<>(Arrays.asList("ip", "netns", "exec", ns));
        c.addAll(Arrays.asList(cmd));
        return run(true, c.toArray(new String[0]));
    }

    static String ip(final String... args) throws IOException, InterruptedException
    {
        final List<String> c = new ArrayList<>();
        c.add("ip");
        c.addAll(Arrays.asList(args));
        return run(true, c.toArray(new String[0]));
    }

    private void sysctl(final String inNs, final String dev) throws IOException, InterruptedException
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

    /**
     * @param check fail on a non-zero exit.
     * @param cmd   the command.
     * @return its output (stdout and stderr).
     */
    static String run(final boolean check, final String... cmd) throws IOException, InterruptedException
    {
        final Process p;
        try
        {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            throw new AssertionError("af_packet tests need " + cmd[0] + " (Debian: iproute2 for ip, bash): " + ex,
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
        }, "veth-cmd");
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
        return s;
    }

    private static void requireRoot() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("Uid:") && !"0".equals(line.split("\\s+")[2]))
            {
                throw new AssertionError("af_packet tests need root (raw sockets, namespaces, veth); CI runs as root");
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            run(false, "ip", "link", "del", host);
            run(false, "ip", "netns", "del", ns);
        }
        catch (final IOException | InterruptedException ex)
        {
            throw new AssertionError("cleaning up " + ns + "/" + host + ": " + ex, ex);
        }
    }
}
