package modules.ipvs.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import platform.lcore.api.Edpvs;
import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.msgmgr.impl.TestMsgManagers;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptResponse;
import platform.sockopt.impl.TestSockoptServers;

/**
 * The ipvs GETs on real lcores (master 0, workers 1 and 2), a real message manager and a real control socket:
 * ipvsadm's requests in (garbage where ipvsadm leaves it), DPVS v1.10.2's bytes out.
 */
public class IpvsCoreTest
{
    private static final HexFormat HEX = HexFormat.of();

    private LcoreScheduler lcores;
    private TestMsgManagers.Running msg;
    private TestSockoptServers.Running sockopt;
    private IpvsCore core;
    private SockoptClient client;

    @Before
    public void setUp() throws IOException
    {
        lcores = TestLcores.masterAndTwoWorkers();
        msg = TestMsgManagers.start(lcores, "test");
        final Path socket = Files.createTempDirectory("ipvs").resolve("s.ipc");
        sockopt = TestSockoptServers.start(lcores, socket, "test");
        client = SockoptClient.of(socket, Duration.ofSeconds(5));
        core = new IpvsCore(lcores, "1.10-2");
        core.start(sockopt.registry());
    }

    @After
    public void tearDown()
    {
        if (null != core)
        {
            core.stop();
        }
        sockopt.close();
        msg.close();
        TestLcores.stop(lcores);
    }

    private void assertReply(final String hex, final SockoptResponse r)
    {
        assertEquals(r.errstr(), Edpvs.OK, r.errcode());
        assertEquals(0x10000, r.version());
        assertEquals(hex, HEX.formatHex(r.body()));
    }

    private void assertRefused(final int code, final String errstr, final SockoptResponse r)
    {
        assertEquals(r.errstr(), code, r.errcode());
        assertEquals(errstr, r.errstr());
        assertEquals(0, r.body().length);
    }

    @Test
    public void shouldParseVersionsAsDpvsVersionParseDoes()
    {
        assertEquals(0x010a02, IpvsCore.versionCode("1.10-2"));
        assertEquals(0x010902, IpvsCore.versionCode("v1.9-2"));
        assertEquals(0x010902, IpvsCore.versionCode("1.9.2"));
        assertEquals(0x010a02, IpvsCore.versionCode("1.10.2-rc1"));
        assertEquals("IP Virtual Server version 1.10.2 (size=0)", core.versionLine());
        assertEquals("IP Virtual Server version 1.9.2 (size=0)", new IpvsCore(lcores, "1.9-2").versionLine());
    }

    @Test
    public void shouldAnswerGetInfoAsIpvsadmsFirstRequest() throws Exception
    {
        // ipvsadm's dpvs_ctrl_init: 12 zero bytes; version 0x010a02, size 0, no service, two forwarding lcores
        assertReply("020a0100" + "00000000" + "00000000" + "02000000", client.get(IpvsWire.SO_GET_INFO, new byte[12]));
        // DPVS reads nothing from the body
        assertReply("020a0100" + "00000000" + "00000000" + "02000000", client.get(IpvsWire.SO_GET_INFO, new byte[0]));
    }

    @Test
    public void shouldAnswerGetVersionWithDpvsVersionString() throws Exception
    {
        final SockoptResponse r = client.get(IpvsWire.SO_GET_VERSION, new byte[0]);
        final byte[] want = Arrays.copyOf("dpvs:v1.10-2".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 64);
        assertReply(HEX.formatHex(want), r);
    }

    @Test
    public void shouldListNoServiceForIpvsadmWithGarbageInCidAndPadding() throws Exception
    {
        // ipvsadm -ln: cid and padding uninitialised (0x97 seen), index 0, count = num_services 0
        assertReply("00000000" + "00000000", client.get(IpvsWire.SO_GET_SERVICES, HEX.parseHex("97000000a5a5a5a5")));
        // index 2: the second forwarding lcore answers with its own id
        assertReply("02020000" + "00000000", client.get(IpvsWire.SO_GET_SERVICES, HEX.parseHex("97020000a5a5a5a5")));
        assertEquals(2, core.requests.get(IpvsWire.SO_GET_SERVICES - IpvsWire.SO_GET_VERSION));
    }

    @Test
    public void shouldRefuseMalformedServiceQueries() throws Exception
    {
        assertRefused(Edpvs.INVAL, "dpvs_services_front is 8 bytes, got 12",
            client.get(IpvsWire.SO_GET_SERVICES, new byte[12]));
        assertRefused(Edpvs.INVAL, "lcore index 3: want 0..2",
            client.get(IpvsWire.SO_GET_SERVICES, HEX.parseHex("0003000000000000")));
        assertRefused(Edpvs.INVAL, "asked for 1 services, lcore 0 has 0",
            client.get(IpvsWire.SO_GET_SERVICES, HEX.parseHex("0000010000000000")));
        assertRefused(Edpvs.INVAL, "dpvs_service_compat is 264 bytes, got 0",
            client.get(IpvsWire.SO_GET_SERVICE, new byte[0]));
        assertRefused(Edpvs.INVAL, "dp_vs_get_dests is 144 bytes, got 264",
            client.get(IpvsWire.SO_GET_DESTS, new byte[264]));
        assertRefused(Edpvs.INVAL, "dpvs_services_front is 8 bytes, got 7",
            client.get(IpvsWire.AGENT_SO_GET_SERVICES, new byte[7]));
        assertEquals(5, core.malformed.get());
        assertEquals(1, core.countMismatch.get());
    }

    @Test
    public void shouldAnswerNoSuchServiceForServiceAndDests() throws Exception
    {
        final byte[] svc = new byte[IpvsWire.SERVICE_ENTRY_LENGTH];
        svc[0] = 2;
        svc[4] = 6;
        svc[7] = 80;
        assertRefused(Edpvs.NOTEXIST, "not exist", client.get(IpvsWire.SO_GET_SERVICE, svc));
        svc[IpvsWire.SERVICE_ENTRY_INDEX_OFFSET] = 9;
        assertRefused(Edpvs.INVAL, "lcore index 9: want 0..2", client.get(IpvsWire.SO_GET_SERVICE, svc));
        final byte[] dests = new byte[IpvsWire.DEST_TABLE_LENGTH];
        dests[IpvsWire.DEST_TABLE_INDEX_OFFSET] = 1;
        assertRefused(Edpvs.NOTEXIST, "not exist", client.get(IpvsWire.SO_GET_DESTS, dests));
        assertEquals(2, core.notExist.get());
    }

    @Test
    public void shouldAnswerTheAgentsServiceListAsDpvs() throws Exception
    {
        // master: its own cid and index, count 0 whatever was asked
        assertReply("00000000" + "00000000", client.get(IpvsWire.AGENT_SO_GET_SERVICES,
            HEX.parseHex("5500070011223344")));
        // a worker: the request's front echoed, count replaced
        assertReply("55010000" + "11223344", client.get(IpvsWire.AGENT_SO_GET_SERVICES,
            HEX.parseHex("5501070011223344")));
    }

    @Test
    public void shouldLeaveTheSetRangeToAServiceBundleAndGoAtStop() throws Exception
    {
        final SockoptResponse add = client.set(IpvsWire.SO_SET_FLUSH + 2, new byte[IpvsWire.SERVICE_ENTRY_LENGTH]);
        assertEquals(Edpvs.NOTSUPP, add.errcode());
        assertTrue(sockopt.registry().ranges().toString(), sockopt.registry().ranges().toString().contains("ipvs"));
        core.stop();
        core = null;
        assertEquals(Edpvs.NOTSUPP, client.get(IpvsWire.SO_GET_INFO, new byte[12]).errcode());
    }
}
