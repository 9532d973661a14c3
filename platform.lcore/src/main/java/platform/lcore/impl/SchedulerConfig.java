package platform.lcore.impl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import platform.lcore.api.LcoreRole;
import platform.lcore.api.LcoreScheduler;

/**
 * The lcore layout and scheduler settings, parsed from a line-oriented file in the spirit of dpvs.conf's
 * {@code worker_defs}:
 *
 * <pre>
 * # lcore &lt;id&gt; role &lt;ROLE&gt; [cpu &lt;n&gt;|none] [idle busy-spin|yield|backoff[:spins,yields,minParkUs,maxParkUs]]
 * lcore 0 role MASTER     cpu 0 idle backoff
 * lcore 1 role FWD_WORKER cpu 1 idle backoff
 * big_loop_us FWD_WORKER 100          # "big loop" warning threshold per role (DPVS: 100 workers, 2000 master)
 * job_quarantine_failures 100         # consecutive failures after which a job is quarantined
 * job_timing_sample 64                # time the jobs every 64th iteration; 1 = every iteration, 0 = never
 * timer_tick_ns 1048576               # timer wheel tick, a power of two (2^20 ns, about DPVS's 1 ms)
 * timer_wheel_ticks 1024              # spokes per lcore timer wheel, a power of two (1024 x 1 ms: about 1 s)
 * </pre>
 * <p>
 * {@code cpu} defaults to the lcore id (DPVS's lcore = CPU), {@code idle} to {@code backoff}. Every error names
 * the file and line.
 */
final class SchedulerConfig
{
    static final long DEFAULT_BIG_LOOP_US_WORKER = 100;
    static final long DEFAULT_BIG_LOOP_US_MASTER = 2000;
    static final int DEFAULT_QUARANTINE_FAILURES = 100;
    /**
     * Jobs are timed every this many iterations: a clock read costs about 25 ns here, more than a no-op job, so
     * timing every call would make the statistics the loop's main cost (DPDK's services time only while
     * {@code rte_service_set_stats_enable} is on).
     */
    static final int DEFAULT_JOB_TIMING_SAMPLE = 64;
    /**
     * Timer wheel tick: DPVS ticks its timers at 1 kHz ({@code DPVS_TIMER_HZ}); Agrona's wheel needs a power of two,
     * so 2^20 ns (1.05 ms). Finer ticks cost more wheel polls per second for no gain to aging and retransmit timers,
     * which are in the 100 ms to minutes range; a timer is late by at most one tick.
     */
    static final long DEFAULT_TIMER_TICK_NS = 1L << 20;
    /**
     * Spokes per wheel: 1024 ticks span about 1.07 s, so the sub-second timers (retransmits, short aging) are
     * looked at once; longer ones are looked at once per turn (one comparison each) until due.
     */
    static final int DEFAULT_TIMER_WHEEL_TICKS = 1024;

    final String source;
    final List<LcoreConfig> lcores;
    private final Map<LcoreRole, Long> bigLoopNs;
    final int quarantineFailures;
    /** 0: jobs are never timed; else a power of two: jobs are timed every that many iterations. */
    final int jobTimingSample;
    /** Timer wheel tick in nanoseconds, a power of two. */
    final long timerTickNs;
    /** Spokes per timer wheel, a power of two. */
    final int timerWheelTicks;

    SchedulerConfig(final String source, final List<LcoreConfig> lcores, final Map<LcoreRole, Long> bigLoopUs,
        final int quarantineFailures, final int jobTimingSample)
    {
        this(source, lcores, bigLoopUs, quarantineFailures, jobTimingSample, DEFAULT_TIMER_TICK_NS,
            DEFAULT_TIMER_WHEEL_TICKS);
    }

    SchedulerConfig(final String source, final List<LcoreConfig> lcores, final Map<LcoreRole, Long> bigLoopUs,
        final int quarantineFailures, final int jobTimingSample, final long timerTickNs, final int timerWheelTicks)
    {
        this.timerTickNs = timerTickNs;
        this.timerWheelTicks = timerWheelTicks;
        this.source = source;
        this.lcores = Collections.unmodifiableList(new ArrayList<>(lcores));
        this.bigLoopNs = new EnumMap<>(LcoreRole.class);
        for (final LcoreRole role : LcoreRole.values())
        {
            final Long us = bigLoopUs.get(role);
            this.bigLoopNs.put(role, 1000L * (null != us ? us
                : LcoreRole.MASTER == role ? DEFAULT_BIG_LOOP_US_MASTER : DEFAULT_BIG_LOOP_US_WORKER));
        }
        this.quarantineFailures = quarantineFailures;
        this.jobTimingSample = jobTimingSample;
    }

    long bigLoopNs(final LcoreRole role)
    {
        return bigLoopNs.get(role);
    }

    /**
     * Builds a configuration in code (tests, benchmarks), validated like a file.
     *
     * @param cpus    CPUs this machine has, for the range check.
     * @param lcores  the lcores.
     * @return the configuration.
     * @throws ConfigException when invalid.
     */
    static SchedulerConfig of(final int cpus, final LcoreConfig... lcores)
    {
        final StringBuilder text = new StringBuilder();
        for (final LcoreConfig l : lcores)
        {
            text.append("lcore ").append(l.id()).append(" role ").append(l.role()).append(" cpu ")
                .append(l.cpu() < 0 ? "none" : Integer.toString(l.cpu())).append(" idle ").append(l.idle())
                .append('\n');
        }
        try
        {
            return parse("<code>", new java.io.StringReader(text.toString()), cpus);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Parses and validates a configuration.
     *
     * @param source name of the file, for messages.
     * @param in     the text.
     * @param cpus   number of CPUs of this machine; pinned CPUs must be below it.
     * @return the configuration.
     * @throws ConfigException naming the offending line.
     * @throws IOException     when reading fails.
     */
    static SchedulerConfig parse(final String source, final Reader in, final int cpus) throws IOException
    {
        final List<LcoreConfig> lcores = new ArrayList<>();
        final Map<LcoreRole, Long> bigLoopUs = new EnumMap<>(LcoreRole.class);
        final Map<Integer, Integer> idLines = new java.util.HashMap<>();
        final Map<Integer, LcoreConfig> cpuOwners = new java.util.HashMap<>();
        LcoreConfig master = null;
        int quarantine = DEFAULT_QUARANTINE_FAILURES;
        int timingSample = DEFAULT_JOB_TIMING_SAMPLE;
        long timerTickNs = DEFAULT_TIMER_TICK_NS;
        int timerWheelTicks = DEFAULT_TIMER_WHEEL_TICKS;
        final BufferedReader reader = new BufferedReader(in);
        int lineNo = 0;
        String line;
        while (null != (line = reader.readLine()))
        {
            lineNo++;
            final int hash = line.indexOf('#');
            final String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (text.isEmpty())
            {
                continue;
            }
            final String[] words = text.split("\\s+");
            final String where = source + ":" + lineNo + ": ";
            switch (words[0].toLowerCase(Locale.ROOT))
            {
                case "lcore":
                {
                    final LcoreConfig l = parseLcore(words, where, lineNo, cpus);
                    final Integer previous = idLines.putIfAbsent(l.id(), lineNo);
                    if (null != previous)
                    {
                        throw new ConfigException(where + "duplicate lcore id " + l.id() + " (already defined at line "
                            + previous + ")");
                    }
                    if (LcoreRole.MASTER == l.role())
                    {
                        if (null != master)
                        {
                            throw new ConfigException(where + "second MASTER lcore " + l.id() + ": lcore " + master.id()
                                + " at line " + master.line() + " is already the master; exactly one is allowed");
                        }
                        master = l;
                    }
                    if (l.cpu() >= 0)
                    {
                        final LcoreConfig other = cpuOwners.putIfAbsent(l.cpu(), l);
                        if (null != other)
                        {
                            throw new ConfigException(where + "lcore " + l.id() + " pinned to CPU " + l.cpu()
                                + " which lcore " + other.id() + " (line " + other.line() + ") already has; "
                                + "give it another CPU or 'cpu none'");
                        }
                    }
                    lcores.add(l);
                    break;
                }
                case "big_loop_us":
                {
                    if (3 != words.length)
                    {
                        throw new ConfigException(where + "expected 'big_loop_us <ROLE> <microseconds>'");
                    }
                    final LcoreRole role = role(words[1], where);
                    bigLoopUs.put(role, number(words[2], where, "big_loop_us", 1, 10_000_000));
                    break;
                }
                case "job_quarantine_failures":
                {
                    if (2 != words.length)
                    {
                        throw new ConfigException(where + "expected 'job_quarantine_failures <count>'");
                    }
                    quarantine = (int)number(words[1], where, "job_quarantine_failures", 1, 1_000_000_000);
                    break;
                }
                case "job_timing_sample":
                {
                    if (2 != words.length)
                    {
                        throw new ConfigException(where + "expected 'job_timing_sample <iterations>'");
                    }
                    timingSample = (int)number(words[1], where, "job_timing_sample", 0, 1 << 20);
                    if (0 != (timingSample & (timingSample - 1)))
                    {
                        throw new ConfigException(where + "job_timing_sample " + timingSample
                            + " is not a power of two (1 times every iteration, 0 never)");
                    }
                    break;
                }
                case "timer_tick_ns":
                {
                    if (2 != words.length)
                    {
                        throw new ConfigException(where + "expected 'timer_tick_ns <nanoseconds>'");
                    }
                    timerTickNs = powerOfTwo(number(words[1], where, "timer_tick_ns", 1 << 10, 1 << 30), where,
                        "timer_tick_ns");
                    break;
                }
                case "timer_wheel_ticks":
                {
                    if (2 != words.length)
                    {
                        throw new ConfigException(where + "expected 'timer_wheel_ticks <ticks>'");
                    }
                    timerWheelTicks = (int)powerOfTwo(number(words[1], where, "timer_wheel_ticks", 16, 1 << 20),
                        where, "timer_wheel_ticks");
                    break;
                }
                default:
                    throw new ConfigException(where + "unknown keyword '" + words[0]
                        + "'; expected lcore, big_loop_us, job_quarantine_failures, job_timing_sample, "
                        + "timer_tick_ns or timer_wheel_ticks");
            }
        }
        if (null == master)
        {
            throw new ConfigException(source + ": no MASTER lcore; exactly one lcore must have role MASTER");
        }
        lcores.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return new SchedulerConfig(source, lcores, bigLoopUs, quarantine, timingSample, timerTickNs,
            timerWheelTicks);
    }

    private static long powerOfTwo(final long value, final String where, final String what)
    {
        if (0 != (value & (value - 1)))
        {
            throw new ConfigException(where + what + " " + value + " is not a power of two (Agrona's timer wheel "
                + "needs one; e.g. 1048576 ns for about 1 ms)");
        }
        return value;
    }

    private static LcoreConfig parseLcore(final String[] words, final String where, final int lineNo, final int cpus)
    {
        if (words.length < 2)
        {
            throw new ConfigException(where + "expected 'lcore <id> role <ROLE> [cpu <n>|none] [idle <strategy>]'");
        }
        final int id = (int)number(words[1], where, "lcore id", 0, LcoreScheduler.MAX_LCORES - 1);
        LcoreRole role = null;
        int cpu = id;
        String idle = "backoff";
        for (int i = 2; i < words.length; i += 2)
        {
            if (i + 1 >= words.length)
            {
                throw new ConfigException(where + "'" + words[i] + "' needs a value");
            }
            final String key = words[i].toLowerCase(Locale.ROOT);
            final String value = words[i + 1];
            switch (key)
            {
                case "role":
                    role = role(value, where);
                    break;
                case "cpu":
                    if ("none".equalsIgnoreCase(value))
                    {
                        cpu = -1;
                    }
                    else
                    {
                        cpu = (int)number(value, where, "cpu", 0, Integer.MAX_VALUE);
                    }
                    break;
                case "idle":
                    try
                    {
                        IdleStrategy.parse(value);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw new ConfigException(where + ex.getMessage());
                    }
                    idle = value;
                    break;
                default:
                    throw new ConfigException(where + "unknown lcore attribute '" + words[i]
                        + "'; expected role, cpu or idle");
            }
        }
        if (null == role)
        {
            throw new ConfigException(where + "lcore " + id + " has no role");
        }
        if (cpu >= cpus)
        {
            throw new ConfigException(where + "lcore " + id + ": CPU " + cpu + " out of range 0.." + (cpus - 1)
                + " (this machine has " + cpus + " CPUs); use 'cpu none' to run unpinned");
        }
        return new LcoreConfig(id, role, cpu, idle, lineNo);
    }

    private static LcoreRole role(final String text, final String where)
    {
        try
        {
            return LcoreRole.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(where + ex.getMessage());
        }
    }

    private static long number(final String text, final String where, final String what, final long min,
        final long max)
    {
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigException(where + what + " '" + text + "' is not a number");
        }
        if (value < min || value > max)
        {
            throw new ConfigException(where + what + " " + value + " out of range " + min + ".." + max);
        }
        return value;
    }

    /**
     * An invalid configuration; the message names the file and line.
     */
    static final class ConfigException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        ConfigException(final String message)
        {
            super(message);
        }
    }
}
