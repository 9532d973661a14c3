package bench.baseline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The two fixed costs of an lcore iteration on this machine, measured alone (Agrona's {@code ClockBenchmark} in
 * shape): one {@code System.nanoTime()} (the lcore reads it once per iteration plus once per job), and the
 * grace-period counter's volatile store (a full fence on x86) followed by its release store.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class PrimitiveCostBenchmark
{
    private static final VarHandle ITERATION;

    static
    {
        try
        {
            ITERATION = MethodHandles.lookup().findVarHandle(PrimitiveCostBenchmark.class, "iteration", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private volatile long iteration;
    private long iter;

    /**
     * @return the clock.
     */
    @Benchmark
    public long nanoTime()
    {
        return System.nanoTime();
    }

    /**
     * @return the counter after the odd (volatile) and even (release) stores, as {@code Lcore.iterate()} does them.
     */
    @Benchmark
    public long oddEvenCounter()
    {
        long it = iter + 1;
        ITERATION.setVolatile(this, it);
        ITERATION.setRelease(this, ++it);
        iter = it;
        return it;
    }

    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(PrimitiveCostBenchmark.class.getSimpleName()).build()).run();
    }
}
