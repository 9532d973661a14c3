package modules.route.cli;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.Test;

import modules.route.api.Route6Conf;
import modules.route.api.RouteConf;

/**
 * {@link RouteCtl}'s bytes, dpip's for the same words, and its reading of replies; {@link Ipv6Text} against
 * glibc's inet_ntop. The conversation with a real routing table through a real socket is RouteCtlSocketTest's.
 */
public class RouteCtlTest
{
    private static String hex(final byte[] b)
    {
        return HexFormat.of().formatHex(b);
    }

    private static RouteCtl.Parsed parse(final String... words)
    {
        return RouteCtl.parse(List.of(words));
    }

    private static final String ZERO_RT_ADDR = "00".repeat(20);

    @Test
    public void shouldSendDpipsIpv4Bytes()
    {
        // dpip route add 192.168.0.0/24 via 10.0.0.1 dev dpdk0 (the reference's observed bytes, SET 28)
        assertEquals("02000000" + "00000000" + "00040000" + "00000000"
            + "c0a80000" + "00".repeat(12) + "18000000" + ZERO_RT_ADDR
            + "0a000001" + "00".repeat(12) + "00000000" + ZERO_RT_ADDR
            + "6470646b30" + "00".repeat(11),
            hex(RouteCtl.detail(parse("192.168.0.0/24", "via", "10.0.0.1", "dev", "dpdk0"))));
        // dpip route add 10.1.1.1 dev dpdk0 scope host: flags 0xC00, /32
        assertEquals("02000000" + "00000000" + "000c0000" + "00000000"
            + "0a010101" + "00".repeat(12) + "20000000" + ZERO_RT_ADDR + ZERO_RT_ADDR + ZERO_RT_ADDR
            + "6470646b30" + "00".repeat(11), hex(RouteCtl.detail(parse("10.1.1.1", "dev", "dpdk0", "scope", "host"))));
        // default is 0.0.0.0/0; kni_host is RTF_KNI; mtu, metric and src where dp_vs_route_detail has them
        assertEquals("02000000" + "78050000" + "00240000" + "07000000"
            + ZERO_RT_ADDR
            + "0a000002" + "00".repeat(12) + "00000000"
            + "0a0000fe" + "00".repeat(12) + "00000000"
            + ZERO_RT_ADDR + "6470646b31" + "00".repeat(11), hex(RouteCtl.detail(parse("default", "via",
            "10.0.0.254", "dev", "dpdk1", "scope", "kni_host", "mtu", "1400", "metric", "7", "src", "10.0.0.2"))));
        // "local" is dpip's RTF_HOST; an explicit /0 stays 0 (dpip turns ADDR/0 into /32)
        assertEquals("02000000" + "00000000" + "04040000" + "00000000" + "0a000000" + "00".repeat(12) + "00000000",
            hex(RouteCtl.detail(parse("10.0.0.0/0", "dev", "dpdk0", "local"))).substring(0, 2 * 36));
        // dpip route show: all zero but the device; -4 sets af
        assertEquals("00".repeat(112), hex(RouteCtl.show4(false, "")));
        assertEquals("02000000" + "00".repeat(92) + "6470646b30" + "00".repeat(11), hex(RouteCtl.show4(true,
            "dpdk0")));
    }

    @Test
    public void shouldSendDpipsIpv6Bytes()
    {
        // dpip -6 route add 2001:db8::/64 via 2001:db8::1 dev dpdk0: SET 33, ops 2, flags RTF_FORWARD
        assertEquals("02000000"
            + "20010db8" + "00".repeat(12) + "40000000"
            + ZERO_RT_ADDR + ZERO_RT_ADDR
            + "6470646b30" + "00".repeat(11)
            + "20010db8" + "00".repeat(11) + "01"
            + "00000000" + "00040000", hex(RouteCtl.conf6(Route6Conf.OPS_ADD, parse("2001:db8::/64", "via",
            "2001:db8::1", "dev", "dpdk0"))));
        // del is ops 3; scope host alone is RTF_LOCALIN without RTF_FORWARD; no /len is /128; src keeps length 0;
        // the metric is read and dropped (dp_vs_route6_conf has none)
        assertEquals("03000000"
            + "20010db8" + "00".repeat(11) + "05" + "80000000"
            + "20010db8" + "00".repeat(11) + "09" + "00000000"
            + ZERO_RT_ADDR
            + "6470646b31" + "00".repeat(11)
            + "00".repeat(16)
            + "28230000" + "00080000", hex(RouteCtl.conf6(Route6Conf.OPS_DEL, parse("2001:db8::5", "dev", "dpdk1",
            "scope", "host", "mtu", "9000", "src", "2001:db8::9", "metric", "3"))));
        // default is ::/0; kni_host is RTF_KNI alone; "local" is RTF_LOCALIN
        assertEquals("02000000" + ZERO_RT_ADDR, hex(RouteCtl.conf6(Route6Conf.OPS_ADD, parse("default", "via",
            "fe80::1", "dev", "dpdk0"))).substring(0, 48));
        assertEquals("00200000", hex(RouteCtl.conf6(Route6Conf.OPS_ADD, parse("2001:db8::1", "dev", "dpdk0",
            "scope", "kni_host"))).substring(200));
        assertEquals("00080000", hex(RouteCtl.conf6(Route6Conf.OPS_ADD, parse("2001:db8::1", "dev", "dpdk0",
            "local"))).substring(200));
        // show: ops 0, flags RTF_FORWARD (dpip sets it before it returns for show), the device; flush: ops 4
        assertEquals("00000000" + "00".repeat(96) + "00040000", hex(RouteCtl.showOrFlush6(0, "")));
        assertEquals("04000000" + "00".repeat(60) + "6470646b30" + "00".repeat(11) + "00".repeat(20) + "00040000",
            hex(RouteCtl.showOrFlush6(Route6Conf.OPS_FLUSH, "dpdk0")));
    }

    /** dpip's check of a show reply: anything but 4 + n * size bytes is "corrupted response.". */
    @Test
    public void shouldRejectACorruptedShowReply()
    {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        final ByteArrayOutputStream e = new ByteArrayOutputStream();
        final PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        final PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8);
        assertEquals(1, RouteCtl.show(new byte[0], RouteConf.SIZE, false, po, pe));
        assertEquals(1, RouteCtl.show(HexFormat.of().parseHex("01000000"), Route6Conf.SIZE, true, po, pe));
        assertEquals(1, RouteCtl.show(new byte[4 + 112], Route6Conf.SIZE, true, po, pe));
        assertEquals("corrupted response.\n".repeat(3), e.toString(StandardCharsets.UTF_8));
        assertEquals(0, RouteCtl.show(new byte[4], Route6Conf.SIZE, true, po, pe));
        assertEquals("", o.toString(StandardCharsets.UTF_8));
    }

    /** glibc's inet_ntop text, which dpip prints. */
    @Test
    public void shouldPrintIpv6AsInetNtopDoes()
    {
        for (final String[] c : new String[][] {{"::", "0:0:0:0:0:0:0:0"}, {"::1", "0:0:0:0:0:0:0:1"},
            {"1::", "1:0:0:0:0:0:0:0"}, {"2001:db8::1", "2001:db8:0:0:0:0:0:1"}, {"1:0:0:1::1", "1:0:0:1:0:0:0:1"},
            {"1::1:0:0:1", "1:0:0:0:1:0:0:1"}, {"1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"},
            {"fe80::abcd:ef01", "fe80:0:0:0:0:0:abcd:ef01"}, {"::ffff:1.2.3.4", "0:0:0:0:0:ffff:102:304"},
            {"::1.2.3.4", "0:0:0:0:0:0:102:304"}, {"::ffff:0:102:304", "0:0:0:0:ffff:0:102:304"},
            {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"}})
        {
            final byte[] b = Ipv6Text.parse(c[1]);
            assertEquals(c[1], c[0], Ipv6Text.format(b, 0));
            assertEquals(c[0], HexFormat.of().formatHex(b), HexFormat.of().formatHex(Ipv6Text.parse(c[0])));
        }
    }
}
