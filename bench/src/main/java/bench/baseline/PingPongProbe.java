package bench.baseline;

import java.util.Arrays;
import java.util.Locale;

/**
 * The machine probe of {@code shared/anchors/dpdk.md}: a plain two-thread volatile ping-pong, run just before and
 * after the benchmarks so that figures are compared only at the same vCPU placement. One thread writes
 * {@code ping}, the other answers by copying it to {@code pong}; the two fields sit on separate cache lines, so a
 * round trip moves two cache lines between the CPUs. Threads are not pinned (the OS puts two spinning threads on
 * the two CPUs); neither spin uses {@code onSpinWait}, so the figure is the raw cache-line round trip.
 * <p>
 * Each round trip is timed with {@code System.nanoTime()}, whose own cost (printed) is included in every sample;
 * {@code mean} is from one clock read per batch of round trips and has no such overhead.
 * <p>
 * Usage: {@code java -cp benchmarks.jar bench.baseline.PingPongProbe [roundTrips [warmupRounds]]}, default 20000
 * round trips measured after 10 warm-up rounds of as many.
 */
public final class PingPongProbe
{
    static final int DEFAULT_ROUND_TRIPS = 20_000;
    static final int DEFAULT_WARMUP_ROUNDS = 10;

    private PingPongProbe()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final int roundTrips = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ROUND_TRIPS;
        final int warmupRounds = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_WARMUP_ROUNDS;
        System.out.println(run(roundTrips, warmupRounds).format());
    }

    /**
     * A short probe for benchmark set-ups, so that each JMH fork reports the vCPU placement it ran at: 20000
     * round trips after 2 warm-up rounds (about 10 ms), on the calling thread and one new thread.
     *
     * @return the result line, e.g. {@code pingpong: 20000 round trips: p50=130 ns ...}.
     */
    public static String quickProbe()
    {
        try
        {
            return run(DEFAULT_ROUND_TRIPS, 2).format();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "pingpong: interrupted";
        }
    }

    /**
     * Runs the ping-pong on the calling thread and one new thread.
     *
     * @param roundTrips   round trips measured.
     * @param warmupRounds rounds of {@code roundTrips} run and discarded before.
     * @return the measured round.
     * @throws InterruptedException when interrupted while joining the pong thread.
     */
    static Result run(final int roundTrips, final int warmupRounds) throws InterruptedException
    {
        final Ball ball = new Ball();
        final long total = (long)roundTrips * (warmupRounds + 1) * 2;
        final Thread pong = new Thread(() -> pong(ball, total), "pong");
        pong.setDaemon(true);
        pong.start();
        final long[] samples = new long[roundTrips];
        long seq = 0;
        double meanNs = 0;
        for (int round = 0; round <= warmupRounds; round++)
        {
            seq = timedRound(ball, seq, samples);
            meanNs = batchRound(ball, seq, roundTrips);
            seq += roundTrips;
        }
        pong.join();
        return new Result(samples, meanNs, clockCostNs());
    }

    private static long timedRound(final Ball ball, final long firstSeq, final long[] samples)
    {
        long seq = firstSeq;
        for (int i = 0; i < samples.length; i++)
        {
            final long start = System.nanoTime();
            ball.ping = ++seq;
            while (ball.pong != seq)
            {
                // spin: raw cache-line latency
            }
            samples[i] = System.nanoTime() - start;
        }
        return seq;
    }

    private static double batchRound(final Ball ball, final long firstSeq, final int roundTrips)
    {
        long seq = firstSeq;
        final long start = System.nanoTime();
        for (int i = 0; i < roundTrips; i++)
        {
            ball.ping = ++seq;
            while (ball.pong != seq)
            {
                // spin
            }
        }
        return (System.nanoTime() - start) / (double)roundTrips;
    }

    private static void pong(final Ball ball, final long total)
    {
        long last = 0;
        while (last < total)
        {
            long p;
            while ((p = ball.ping) == last)
            {
                // spin
            }
            ball.pong = p;
            last = p;
        }
    }

    /**
     * @return the median of 10k back-to-back {@code System.nanoTime()} differences.
     */
    static long clockCostNs()
    {
        final long[] d = new long[10_000];
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < d.length; i++)
            {
                final long a = System.nanoTime();
                d[i] = System.nanoTime() - a;
            }
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    /**
     * The measured round: sorted samples and their percentiles.
     */
    static final class Result
    {
        final long[] sortedNs;
        final double meanNs;
        final long clockCostNs;

        Result(final long[] samplesNs, final double meanNs, final long clockCostNs)
        {
            this.sortedNs = samplesNs.clone();
            Arrays.sort(sortedNs);
            this.meanNs = meanNs;
            this.clockCostNs = clockCostNs;
        }

        /**
         * @param fraction 0..1, e.g. 0.99.
         * @return the nearest-rank percentile in nanoseconds.
         */
        long percentile(final double fraction)
        {
            final int rank = (int)Math.ceil(fraction * sortedNs.length);
            return sortedNs[Math.max(0, Math.min(sortedNs.length - 1, rank - 1))];
        }

        String format()
        {
            return String.format(Locale.ROOT,
                "pingpong: %d round trips: p50=%d ns p90=%d ns p99=%d ns p99.9=%d ns max=%d ns mean(batch)=%.1f ns "
                    + "(nanoTime cost %d ns, included in the percentiles)",
                sortedNs.length, percentile(0.50), percentile(0.90), percentile(0.99), percentile(0.999),
                sortedNs[sortedNs.length - 1], meanNs, clockCostNs);
        }
    }

    /**
     * {@code ping} and {@code pong} on separate cache lines (inheritance padding: fields of a superclass are laid
     * out before those of a subclass).
     */
    static final class Ball extends BallPong
    {
        @SuppressWarnings("unused")
        private long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33, p34, p35;
    }

    abstract static class BallPad0
    {
        @SuppressWarnings("unused")
        private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
    }

    abstract static class BallPing extends BallPad0
    {
        volatile long ping;
    }

    abstract static class BallPad1 extends BallPing
    {
        @SuppressWarnings("unused")
        private long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
    }

    abstract static class BallPong extends BallPad1
    {
        volatile long pong;
    }
}
