package modules.inetaddr.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import org.junit.Test;

import modules.inetaddr.api.InetAddrConf;
import modules.inetaddr.cli.AddrCtl;

/**
 * {@code dplanectl addr} and the parser shared with the Gogo commands and the configuration: dpip's syntax into
 * dpip's bytes, and dpip's output from a real control socket.
 */
public class AddrCtlTest extends CoreFixture
{
    @Test
    public void shouldParseDpipsSyntaxIntoDpipsBytes()
    {
        assertEquals(DPIP_ADD, HexFormat.of().formatHex(AddrCtl.parse(List.of("add", "10.0.1.1/24", "dev",
            "dpdk0")).param()));
        assertEquals(DPIP_SHOW, HexFormat.of().formatHex(AddrCtl.parse(List.of("show")).param()));
        final AddrCtl.Request del = AddrCtl.parse(List.of("del", "10.0.1.1", "dev", "dpdk0"));
        assertEquals(InetAddrConf.SOCKOPT_SET_IFADDR_DEL, del.sockopt());
        final ByteBuffer b = ByteBuffer.wrap(del.param()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(InetAddrConf.INET_ADDR_DEL, b.getInt(0));
        assertEquals("no prefix length: dpip's /32", 32, b.get(8 + InetAddrConf.PLEN_OFFSET));
        final ByteBuffer s = ByteBuffer.wrap(AddrCtl.parse(List.of("set", "10.0.1.1/24", "dev", "dpdk0",
            "broadcast", "10.0.1.255", "scope", "link", "valid_lft", "forever", "prefered_lft", "forever")).param())
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(InetAddrConf.INET_ADDR_MOD, s.getInt(0));
        assertEquals(ip("10.0.1.255"), Integer.reverseBytes(s.getInt(8 + InetAddrConf.BCAST_OFFSET)));
        assertEquals(InetAddrConf.IFA_SCOPE_LINK, s.get(8 + InetAddrConf.SCOPE_OFFSET));
        final ByteBuffer f = ByteBuffer.wrap(AddrCtl.parse(List.of("flush", "dev", "dpdk1")).param())
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(InetAddrConf.INET_ADDR_FLUSH, f.getInt(0));
        assertEquals("flush names no address: af unspec", 0, f.getInt(8));
        for (final List<String> bad : List.of(List.of("add", "10.0.1.1/24"), List.of("add", "dev", "dpdk0"),
            List.of("add", "10.0.1.300/24", "dev", "dpdk0"), List.of("add", "10.0.1.1/x", "dev", "dpdk0"),
            List.of("add", "10.0.1.1", "dev"), List.of("add", "host.example", "dev", "dpdk0"), List.of("bogus")))
        {
            try
            {
                AddrCtl.parse(bad);
                throw new AssertionError("accepted " + bad);
            }
            catch (final IllegalArgumentException expected)
            {
                assertFalse(expected.getMessage().isEmpty());
            }
        }
    }
    private int ctl(final ByteArrayOutputStream out, final ByteArrayOutputStream err,
        final String... words) throws IOException
    {
        out.reset();
        err.reset();
        return new AddrCtl().run(List.of(words), client, new PrintStream(out, true),
            new PrintStream(err, true));
    }

    @Test
    public void shouldDriveTheAddressesFromDplanectlWithDpipsOutput() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals("addr", new AddrCtl().name());
        assertTrue(new AddrCtl().usage().startsWith("  addr "));
        assertEquals(AddrCtl.EXIT_OK, ctl(out, err, "add", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals(AddrCtl.EXIT_OK, ctl(out, err, "add", "10.0.2.1/24", "dev", "dpdk1", "broadcast",
            "10.0.2.255", "scope", "link"));
        awaitWorkersSee("10.0.2.1", true);
        assertEquals(AddrCtl.EXIT_OK, ctl(out, err, "show", "dev", "dpdk1"));
        assertEquals("inet 10.0.2.1/24 scope link dpdk1\n    broadcast 10.0.2.255 valid_lft forever "
            + "preferred_lft forever\n", out.toString());
        assertEquals(AddrCtl.EXIT_OK, ctl(out, err, "show", "dev", "dpdk0", "-v"));
        assertEquals("[00] inet 10.0.1.1/24 scope global dpdk0\n     valid_lft forever preferred_lft forever\n"
            + "[01] inet 10.0.1.1/24 scope global dpdk0\n     valid_lft forever preferred_lft forever\n"
            + "[02] inet 10.0.1.1/24 scope global dpdk0\n     valid_lft forever preferred_lft forever\n",
            out.toString());
        assertEquals(AddrCtl.EXIT_ERRCODE, ctl(out, err, "add", "10.0.1.1/24", "dev", "dpdk0"));
        assertTrue(err.toString(), err.toString().startsWith("dplanectl: addr: address exists: ")
            && err.toString().contains("(-3)"));
        assertEquals(AddrCtl.EXIT_USAGE, ctl(out, err, "add", "10.0.1.1/24"));
        assertEquals("dplanectl addr: no device specified.\n", err.toString());
        assertEquals(AddrCtl.EXIT_OK, ctl(out, err, "del", "10.0.1.1/24", "dev", "dpdk0"));
        assertEquals(AddrCtl.EXIT_OK, ctl(out, err, "flush", "dev", "dpdk1"));
        assertEquals(AddrCtl.EXIT_OK, ctl(out, err, "show"));
        assertEquals("", out.toString());
        assertEquals(List.of(), routes.table());
        assertEquals("a reply dpip would call corrupted", null, AddrCtl.show(new byte[] {1, 0, 0, 0, 0, 0, 0, 0,
            2, 0, 0, 0}));
    }
}
