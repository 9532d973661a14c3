package bench.util;

/**
 * Brings register, first run and close to C2 before a latency trial. With a 1 ms idle gap a trial does only about
 * a thousand operations per second, too few for the JIT's C2 threshold within JMH's warm-up, so without this the
 * measured code would still be interpreted or C1-compiled in one benchmark and compiled in its baseline.
 */
public final class JobCycle
{
    /** Cycles run before a trial: well above C2's thresholds for every method on the path. */
    public static final int PREWARM_CYCLES = 30_000;

    private JobCycle()
    {
    }

    /**
     * One registration cycle, as the benchmark does it.
     */
    @FunctionalInterface
    public interface Registrar
    {
        /**
         * @return the handle whose {@code close()} unregisters.
         * @throws Exception as {@code AutoCloseable.close()} may.
         */
        AutoCloseable register() throws Exception;
    }

    /**
     * Runs {@link #PREWARM_CYCLES} cycles of reset, register, await first run, close.
     *
     * @param registrar registers {@code job}.
     * @param job       the job.
     * @throws Exception from the registrar or a handle.
     */
    public static void prewarm(final Registrar registrar, final FirstRunJob job) throws Exception
    {
        for (int i = 0; i < PREWARM_CYCLES; i++)
        {
            job.reset();
            final AutoCloseable handle = registrar.register();
            job.awaitFirstRun();
            handle.close();
        }
        job.reset();
    }
}
