package platform.mp.impl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import platform.mp.api.MpAction;
import platform.mp.api.MpActionInfo;
import platform.mp.api.MpCallback;
import platform.mp.api.MpChannel;
import platform.mp.api.MpPeerInfo;
import platform.mp.api.MpRegistration;
import platform.mp.api.MpReply;

/**
 * For the features' unit tests of what they publish: an {@link MpChannel} that records each
 * {@code publish(name, params)} as {@code "<thread> | <name> | <params as UTF-8>"} (the thread shows it never runs
 * on an lcore), says 256 for its maximum params, and can hold publishers at a gate (a secondary that stopped
 * reading). Everything else is refused: a feature only publishes.
 */
public final class RecordingMpChannel implements MpChannel
{
    private final BlockingQueue<String> published = new LinkedBlockingQueue<>();
    private volatile CountDownLatch gate;

    /** @return the next publication, waiting up to 10 s (null if none came). */
    public String next() throws InterruptedException
    {
        return published.poll(10, TimeUnit.SECONDS);
    }

    /** @return the next publication within the time, else null. */
    public String poll(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return published.poll(timeout, unit);
    }

    /** @param g publishers wait for it from now on (null: they pass). */
    public void gate(final CountDownLatch g)
    {
        gate = g;
    }

    @Override
    public int publish(final String name, final byte[] params)
    {
        final CountDownLatch g = gate;
        if (null != g)
        {
            try
            {
                g.await();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        published.add(Thread.currentThread().getName() + " | " + name + " | "
            + new String(params, StandardCharsets.UTF_8));
        return 1;
    }

    @Override
    public int maxParamLen()
    {
        return 256;
    }

    @Override
    public MpRegistration register(final String name, final MpAction action)
    {
        throw new UnsupportedOperationException("register");
    }

    @Override
    public int send(final String name, final byte[] params)
    {
        throw new UnsupportedOperationException("send");
    }

    @Override
    public MpReply request(final String name, final byte[] params, final Duration timeout)
    {
        throw new UnsupportedOperationException("request");
    }

    @Override
    public void requestAsync(final String name, final byte[] params, final Duration timeout,
        final MpCallback callback)
    {
        throw new UnsupportedOperationException("requestAsync");
    }

    @Override
    public List<MpPeerInfo> peers()
    {
        throw new UnsupportedOperationException("peers");
    }

    @Override
    public List<MpActionInfo> actions()
    {
        throw new UnsupportedOperationException("actions");
    }
}
