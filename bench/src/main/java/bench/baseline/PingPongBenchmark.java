package bench.baseline;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@link PingPongProbe} as a JMH group: {@code ping} publishes a sequence number and spins until {@code pong} has
 * echoed it; one {@code ping} operation is one round trip (read the {@code ping} row). The spins give up when JMH
 * ends the iteration, so neither side can be left waiting for the other.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Group)
public class PingPongBenchmark
{
    private final PingPongProbe.Ball ball = new PingPongProbe.Ball();

    /**
     * The ping thread's last sequence number, in a thread-scoped state of its own: a field of the group state
     * would share a cache line with the pong thread's and add two line transfers to every round trip.
     */
    @State(Scope.Thread)
    public static class PingSide
    {
        long last;
    }

    /**
     * The pong thread's last echoed sequence number.
     */
    @State(Scope.Thread)
    public static class PongSide
    {
        long last;
    }

    /**
     * @param side    the ping thread's state.
     * @param control JMH's iteration control.
     * @return the sequence number sent.
     */
    @Benchmark
    @Group("pingpong")
    @GroupThreads(1)
    public long ping(final PingSide side, final Control control)
    {
        final PingPongProbe.Ball ball = this.ball;
        final long seq = side.last + 1;
        side.last = seq;
        ball.ping = seq;
        while (ball.pong < seq)
        {
            if (control.stopMeasurement)
            {
                break;
            }
        }
        return seq;
    }

    /**
     * @param side    the pong thread's state.
     * @param control JMH's iteration control.
     * @return the sequence number echoed.
     */
    @Benchmark
    @Group("pingpong")
    @GroupThreads(1)
    public long pong(final PongSide side, final Control control)
    {
        final PingPongProbe.Ball ball = this.ball;
        final long last = side.last;
        long p;
        while ((p = ball.ping) == last)
        {
            if (control.stopMeasurement)
            {
                return last;
            }
        }
        ball.pong = p;
        side.last = p;
        return p;
    }

    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(PingPongBenchmark.class.getSimpleName()).build()).run();
    }
}
