package platform.mp.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import platform.mp.api.MpException;
import platform.mp.client.MpRegions;
import platform.mp.client.MpSecondary;
import platform.mp.client.MpStats;

/** Shared regions: ALLOC maps one file in every process, a secondary that does not map it rolls it back, FREE. */
public class MpRegionTest
{
    private static final Duration LONG = Duration.ofSeconds(5);

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private MpPrimary primary;
    private MpSecondary a;
    private MpSecondary b;

    @Before
    public void start() throws IOException, InterruptedException
    {
        dir = tmp.newFolder("mp").toPath();
        primary = new MpPrimary(dir, 256);
        a = MpSecondary.attach(dir);
        b = MpSecondary.attach(dir);
        MpTesting.await("two secondaries", 5000, () -> primary.peers().size() == 2);
    }

    @After
    public void stop()
    {
        a.close();
        b.close();
        primary.close();
    }

    @Test
    public void shouldShareARegionBetweenSecondariesThenFreeIt()
    {
        final MappedByteBuffer ma = a.alloc("counters", 4096, LONG);
        final MappedByteBuffer mb = b.region("counters");
        assertNotNull("mapped by the other secondary before ALLOC returned", mb);
        ma.putLong(8, 0x1122334455667788L);
        assertEquals("the same memory", 0x1122334455667788L, mb.getLong(8));
        final Path file = dir.resolve(MpRegions.FILE_PREFIX + "counters");
        assertTrue(Files.isRegularFile(file));
        // after the primary's own statistics region, sorted by name
        assertEquals(2, primary.regions.list().size());
        assertEquals(4096, primary.regions.list().get(0).size());
        assertEquals("counters", primary.regions.list().get(0).name());

        try
        {
            b.alloc("counters", 4096, LONG);
            fail("allocated twice");
        }
        catch (final MpException e)
        {
            assertEquals(MpRegions.EEXIST, e.code());
        }
        try
        {
            a.alloc("../escape", 4096, LONG);
            fail("a path as a name");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.INVALID, e.code());
        }

        a.free("counters", LONG);
        assertNull(a.region("counters"));
        assertNull("the other secondary forgot it", b.region("counters"));
        assertFalse(Files.exists(file));
        assertEquals(List.of(MpStats.REGION), primary.regions.list().stream().map(r -> r.name()).toList());
        try
        {
            a.free("counters", LONG);
            fail("freed twice");
        }
        catch (final MpException e)
        {
            assertEquals(MpRegions.ENOENT, e.code());
        }
    }

    @Test
    public void shouldReadThePrimarysCountersWithNoRequest() throws Exception
    {
        MpTesting.await("the statistics region shows both secondaries", 5000,
            () -> a.stats().get("peers") == 2 && b.stats().get("attached") == 2);
        final long out = a.stats().get("msgs_out");
        primary.send("nobody", new byte[0]);
        MpTesting.await("msgs_out moved", 5000, () -> a.stats().get("msgs_out") >= out + 2);
        assertEquals(List.of("peers", "attached", "msgs_in", "msgs_out", "protocol_errors", "unknown_actions",
            "action_errors", "late_replies", "timeouts", "pending_requests", "regions", "slow_peers",
            "stats.truncated"),
            List.copyOf(a.stats().keySet()));
        assertEquals(1L, (long) a.stats().get("regions"));
        try
        {
            a.alloc(MpStats.REGION, 64, LONG);
            fail("the statistics region allocated again");
        }
        catch (final MpException e)
        {
            assertEquals(MpRegions.EEXIST, e.code());
        }
        // after a primary restart, the new primary's region
        primary.close();
        primary = new MpPrimary(dir, 256);
        MpTesting.await("the new primary's counters", 10_000, () -> a.stats().get("attached") == 2);
    }

    @Test
    public void shouldRollBackWhenASecondaryDoesNotMapIt() throws Exception
    {
        // b's I/O thread is busy in an action: it cannot even read the map request in time
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch busy = new CountDownLatch(1);
        b.register("busy", m ->
        {
            busy.countDown();
            release.await(10, TimeUnit.SECONDS);
            return null;
        });
        primary.requestAsync("busy", new byte[0], LONG, r -> { });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        try
        {
            a.alloc("stats", 4096, Duration.ofMillis(300));
            fail("allocated with a secondary that did not map it");
        }
        catch (final MpException e)
        {
            assertEquals(MpRegions.ETIMEDOUT, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("1 of 1 secondaries did not map it in time"));
        }
        assertFalse(Files.exists(dir.resolve(MpRegions.FILE_PREFIX + "stats")));
        assertEquals(List.of(MpStats.REGION), primary.regions.list().stream().map(r -> r.name()).toList());
        assertNull(a.region("stats"));
        release.countDown();
        // b maps late (the file is gone: it fails) then gets the UNMAP: it keeps nothing
        MpTesting.await("b idle again", 5000, () -> primary.pendingRequests() == 0);
        Thread.sleep(200);
        assertNull(b.region("stats"));
        // and the name can be allocated again once b answers
        assertNotNull(a.alloc("stats", 4096, LONG));
        assertNotNull(b.region("stats"));
    }

    @Test
    public void shouldLookUpAnExistingRegionFromASecondaryAttachedLater() throws Exception
    {
        a.alloc("early", 4096, LONG).putLong(16, 0xabcdL);
        try (MpSecondary late = MpSecondary.attach(dir))
        {
            assertNull(late.region("early"));
            final MappedByteBuffer m = late.lookup("early", LONG);
            assertEquals(4096, m.capacity());
            assertEquals(0xabcdL, m.getLong(16));
            m.putLong(24, 0x1234L);
            assertEquals("the same memory both ways", 0x1234L, a.region("early").getLong(24));
            assertEquals(m, late.region("early"));
            // the primary's own statistics region too
            assertTrue(late.lookup(MpStats.REGION, LONG).capacity() > 16);
            try
            {
                late.lookup("nothing", LONG);
                fail("looked up a region that does not exist");
            }
            catch (final MpException e)
            {
                assertEquals(MpRegions.ENOENT, e.code());
            }
        }
    }

    @Test
    public void shouldLetABundleOfThePrimaryAllocateAndFreeRegions() throws Exception
    {
        final BundleMpChannel ch = new BundleMpChannel(primary, "some.bundle", LONG);
        final MappedByteBuffer mine = ch.alloc("bundle.seg", 8192, null);
        mine.putLong(0, 77L);
        assertNotNull("every secondary mapped it before alloc returned", a.region("bundle.seg"));
        assertEquals(77L, b.region("bundle.seg").getLong(0));
        assertEquals("some.bundle", primary.regions.list().stream().filter(r -> r.name().equals("bundle.seg"))
            .findFirst().orElseThrow().bundle());
        try
        {
            ch.alloc("bundle.seg", 64, null);
            fail("allocated twice");
        }
        catch (final MpException e)
        {
            assertEquals(MpRegions.EEXIST, e.code());
        }
        try
        {
            a.free("bundle.seg", LONG);
            fail("a secondary freed the primary's region");
        }
        catch (final MpException e)
        {
            assertEquals(MpRegions.ENOENT, e.code());
        }
        try
        {
            new BundleMpChannel(primary, "other.bundle", LONG).free("bundle.seg", null);
            fail("another bundle freed it");
        }
        catch (final MpException e)
        {
            assertEquals(MpRegions.ENOENT, e.code());
        }
        ch.free("bundle.seg", null);
        assertNull("the secondaries unmapped it", a.region("bundle.seg"));
        assertFalse(Files.exists(dir.resolve(MpRegions.FILE_PREFIX + "bundle.seg")));

        // a bundle's regions go when it releases the channel
        ch.alloc("kept", 64, null);
        ch.release();
        assertNull(b.region("kept"));
        assertFalse(Files.exists(dir.resolve(MpRegions.FILE_PREFIX + "kept")));
        assertEquals(List.of(MpStats.REGION), primary.regions.list().stream().map(r -> r.name()).toList());
        try
        {
            ch.alloc("again", 64, null);
            fail("allocated on a released channel");
        }
        catch (final MpException e)
        {
            assertEquals(MpException.NOT_CONNECTED, e.code());
        }
    }

    @Test
    public void shouldRollBackABundlesRegionWhenASecondaryDoesNotMapIt() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch busy = new CountDownLatch(1);
        b.register("busy", m ->
        {
            busy.countDown();
            release.await(10, TimeUnit.SECONDS);
            return null;
        });
        primary.requestAsync("busy", new byte[0], LONG, r -> { });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        try
        {
            new BundleMpChannel(primary, "some.bundle", LONG).alloc("seg", 4096, Duration.ofMillis(300));
            fail("allocated with a secondary that did not map it");
        }
        catch (final MpException e)
        {
            assertEquals(MpRegions.ETIMEDOUT, e.code());
        }
        finally
        {
            release.countDown();
        }
        assertFalse(Files.exists(dir.resolve(MpRegions.FILE_PREFIX + "seg")));
        MpTesting.await("a unmapped it again", 5000, () -> null == a.region("seg"));
    }
}
