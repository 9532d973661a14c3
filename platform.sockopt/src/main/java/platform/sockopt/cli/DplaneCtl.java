package platform.sockopt.cli;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

import platform.sockopt.api.Sockopt;
import platform.sockopt.client.CtlCommand;
import platform.sockopt.client.SockoptClient;
import platform.sockopt.client.SockoptClientException;
import platform.sockopt.client.SockoptPaths;
import platform.sockopt.client.SockoptResponse;

/**
 * {@code dplanectl}: the platform's command line, as {@code dpip} is DPVS's. It talks to the control socket
 * ({@code DPVS_IPC_FILE}, else the usual paths; {@code -s} overrides) and reaches every registered GET and SET.
 *
 * <pre>
 * dplanectl [-s SOCKET] [-t TIMEOUT_MS] get ID [HEX]     a GET; prints the reply body as hex
 * dplanectl [-s SOCKET] [-t TIMEOUT_MS] set ID [HEX]     a SET; prints nothing on success
 * dplanectl [-s SOCKET] [-t TIMEOUT_MS] ranges           the registered id ranges
 * </pre>
 *
 * Exit codes tell the failures apart: see the {@code EXIT_} constants.
 */
public final class DplaneCtl
{
    public static final int EXIT_OK = 0;
    /** The platform answered with a non-zero EDPVS_* code. */
    public static final int EXIT_ERRCODE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_SOCKET_MISSING = 3;
    public static final int EXIT_NOT_RUNNING = 4;
    public static final int EXIT_TIMEOUT = 5;
    /** A malformed reply or another I/O failure. */
    public static final int EXIT_PROTOCOL = 6;

    static final String USAGE = String.join("\n",
        "usage: dplanectl [-s SOCKET] [-t TIMEOUT_MS] COMMAND",
        "  get ID [HEX]   send a GET sockopt (body as hex digits), print the reply body as hex",
        "  set ID [HEX]   send a SET sockopt (body as hex digits)",
        "  ranges         list the registered sockopt id ranges",
        "  lcores         the lcores and their loop statistics (as lcore:list)",
        "  jobs [LCORE]   the jobs and their statistics, of every lcore or of one (as lcore:jobs)",
        "  msgs           the message types and their counters per lcore (as msg:stats)",
        "  stats          the control socket's own counters and limits (as sockopt:stats)",
        "SOCKET defaults to $DPVS_IPC_FILE, else /var/run/dpvs.ipc, else the per-user runtime path.",
        "exit codes: 0 ok, 1 error code from the platform, 2 usage, 3 socket missing, 4 platform not running,",
        "            5 timeout, 6 malformed reply or I/O error");

    private DplaneCtl()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * @param args the command line.
     * @param out  standard output.
     * @param err  standard error.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        Path socket = null;
        long timeoutMs = 5_000;
        final List<String> rest = new ArrayList<>();
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "-s":
                    case "--socket":
                        socket = Path.of(args[++i]);
                        break;
                    case "-t":
                    case "--timeout":
                        timeoutMs = Long.parseLong(args[++i]);
                        break;
                    case "-h":
                    case "--help":
                        out.println(usageText());
                        return EXIT_OK;
                    default:
                        rest.add(args[i]);
                }
            }
            if (rest.isEmpty() || timeoutMs <= 0)
            {
                return usage(err, rest.isEmpty() ? "no command" : "timeout must be positive");
            }
        }
        catch (final ArrayIndexOutOfBoundsException | NumberFormatException ex)
        {
            return usage(err, "bad option: " + ex.getMessage());
        }
        final SockoptClient client = SockoptClient.of(null == socket ? SockoptPaths.clientPath(System.getenv())
            : socket, Duration.ofMillis(timeoutMs));
        try
        {
            switch (rest.get(0))
            {
                case "get":
                case "set":
                {
                    if (rest.size() < 2 || rest.size() > 3)
                    {
                        return usage(err, rest.get(0) + " takes an id and an optional hex body");
                    }
                    final int id;
                    final byte[] body;
                    try
                    {
                        id = Integer.parseUnsignedInt(rest.get(1));
                        body = rest.size() == 3 ? HexFormat.of().parseHex(rest.get(2).replace(":", "")) : new byte[0];
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        return usage(err, "bad id or hex body: " + ex.getMessage());
                    }
                    final SockoptResponse r = "get".equals(rest.get(0)) ? client.get(id, body) : client.set(id, body);
                    if (!r.ok())
                    {
                        return platformError(err, r);
                    }
                    if ("get".equals(rest.get(0)))
                    {
                        hexDump(out, r.body());
                    }
                    return EXIT_OK;
                }
                case "ranges":
                {
                    final SockoptResponse r = client.get(Sockopt.GET_RANGES, new byte[0]);
                    if (!r.ok())
                    {
                        return platformError(err, r);
                    }
                    printRanges(out, r.buffer());
                    return EXIT_OK;
                }
                case "lcores":
                {
                    final SockoptResponse r = client.get(Sockopt.GET_LCORES, new byte[0]);
                    if (!r.ok())
                    {
                        return platformError(err, r);
                    }
                    printLcores(out, r.buffer());
                    return EXIT_OK;
                }
                case "jobs":
                {
                    byte[] body = new byte[0];
                    if (2 == rest.size())
                    {
                        try
                        {
                            body = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                                .putInt(Integer.parseInt(rest.get(1))).array();
                        }
                        catch (final NumberFormatException ex)
                        {
                            return usage(err, "jobs takes an lcore id: " + rest.get(1));
                        }
                    }
                    else if (rest.size() > 2)
                    {
                        return usage(err, "jobs takes at most an lcore id");
                    }
                    final SockoptResponse r = client.get(Sockopt.GET_JOBS, body);
                    if (!r.ok())
                    {
                        return platformError(err, r);
                    }
                    printJobs(out, r.buffer());
                    return EXIT_OK;
                }
                case "stats":
                {
                    final SockoptResponse r = client.get(Sockopt.GET_SERVER_STATS, new byte[0]);
                    if (!r.ok())
                    {
                        return platformError(err, r);
                    }
                    printServerStats(out, r.buffer());
                    return EXIT_OK;
                }
                case "msgs":
                {
                    final SockoptResponse r = client.get(Sockopt.GET_MSG_TYPES, new byte[0]);
                    if (!r.ok())
                    {
                        return platformError(err, r);
                    }
                    printMsgTypes(out, r.buffer());
                    return EXIT_OK;
                }
                default:
                {
                    final CtlCommand command = commands().get(rest.get(0));
                    if (null == command)
                    {
                        return usage(err, "unknown command " + rest.get(0));
                    }
                    final int exit = command.run(rest.subList(1, rest.size()), client, out, err);
                    if (CtlCommand.EXIT_USAGE == exit)
                    {
                        err.println(command.usage());
                    }
                    return exit;
                }
            }
        }
        catch (final SockoptClientException ex)
        {
            err.println("dplanectl: " + ex.getMessage());
            switch (ex.kind())
            {
                case SOCKET_MISSING:
                    return EXIT_SOCKET_MISSING;
                case NOT_RUNNING:
                    return EXIT_NOT_RUNNING;
                case TIMEOUT:
                    return EXIT_TIMEOUT;
                default:
                    return EXIT_PROTOCOL;
            }
        }
        catch (final java.io.IOException ex)
        {
            err.println("dplanectl: " + ex.getMessage());
            return EXIT_PROTOCOL;
        }
    }

    private static final String[] STATS_NAMES = {"open connections", "accepted", "refused at the limit",
        "closed for no header in time", "stalled clients closed", "connections failed", "requests", "not registered",
        "version mismatch", "malformed", "no memory (NOMEM)", "handler errors", "handler threw", "I/O errors",
        "pending body bytes", "body budget", "doorbell rings", "doorbell timeouts", "one-shot closed"};

    private static void printServerStats(final PrintStream out, final ByteBuffer b)
    {
        for (int i = 0; i < STATS_NAMES.length && 8 * i + 8 <= b.limit(); i++)
        {
            out.printf("%-30s %d%n", STATS_NAMES[i], b.getLong(8 * i));
        }
    }

    private static int usage(final PrintStream err, final String why)
    {
        err.println("dplanectl: " + why);
        err.println(usageText());
        return EXIT_USAGE;
    }

    /**
     * The feature bundles' subcommands on the class path, by name. When two share a name, a command that extends the
     * other's class replaces it (modules.netif's {@code link} adds the NICs to modules.stats' lcores); otherwise the
     * first found stays.
     */
    static Map<String, CtlCommand> commands()
    {
        final Map<String, CtlCommand> byName = new TreeMap<>();
        for (final CtlCommand c : ServiceLoader.load(CtlCommand.class, DplaneCtl.class.getClassLoader()))
        {
            final CtlCommand had = byName.putIfAbsent(c.name(), c);
            if (null != had && had.getClass() != c.getClass() && had.getClass().isAssignableFrom(c.getClass()))
            {
                byName.put(c.name(), c);
            }
        }
        return byName;
    }

    static String usageText()
    {
        final Map<String, CtlCommand> more = commands();
        if (more.isEmpty())
        {
            return USAGE;
        }
        final StringBuilder sb = new StringBuilder(USAGE).append("\nfeature commands:");
        for (final CtlCommand c : more.values())
        {
            sb.append('\n').append(c.usage());
        }
        return sb.toString();
    }

    private static int platformError(final PrintStream err, final SockoptResponse r)
    {
        err.println(String.format(Locale.ROOT, "dplanectl: %s sockopt %d: %s (%d)", Sockopt.typeName(r.type()), r.id(),
            r.errstr(), r.errcode()));
        return EXIT_ERRCODE;
    }

    /** Sixteen bytes a line with offsets, like {@code xxd}. */
    static void hexDump(final PrintStream out, final byte[] b)
    {
        for (int at = 0; at < b.length; at += 16)
        {
            final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%08x:", at));
            for (int i = at; i < Math.min(at + 16, b.length); i++)
            {
                sb.append(' ').append(String.format(Locale.ROOT, "%02x", b[i] & 0xff));
            }
            out.println(sb);
        }
    }

    /** The columns of {@code lcore:list}, from {@link Sockopt#GET_LCORES}. */
    static void printLcores(final PrintStream out, final ByteBuffer b)
    {
        b.order(ByteOrder.LITTLE_ENDIAN);
        final int n = b.getInt(0);
        out.println(String.format(Locale.ROOT, "%-5s %-13s %-4s %-6s %-8s %-9s %10s %6s %11s %8s", "LCORE", "ROLE",
            "CPU", "PINNED", "STATE", "IDLE", "LOOPS/S", "IDLE%", "LONGEST_US", "BIG"));
        for (int i = 0; i < n; i++)
        {
            final int at = Sockopt.RANGES_HEADER_LENGTH + i * Sockopt.LCORE_ENTRY_LENGTH;
            final int cpu = b.getInt(at + Sockopt.LCORE_CPU_OFFSET);
            out.println(String.format(Locale.ROOT, "%-5d %-13s %-4s %-6s %-8s %-9s %10d %6.1f %11.1f %8d",
                b.getInt(at + Sockopt.LCORE_ID_OFFSET),
                SockoptClient.cString(b, at + Sockopt.LCORE_ROLE_OFFSET, Sockopt.LCORE_ROLE_LENGTH),
                cpu < 0 ? "-" : Integer.toString(cpu), 0 != b.get(at + Sockopt.LCORE_PINNED_OFFSET) ? "yes" : "no",
                SockoptClient.cString(b, at + Sockopt.LCORE_STATE_OFFSET, Sockopt.LCORE_STATE_LENGTH),
                SockoptClient.cString(b, at + Sockopt.LCORE_IDLE_OFFSET, Sockopt.LCORE_IDLE_LENGTH),
                b.getLong(at + Sockopt.LCORE_LOOPS_PER_SEC_OFFSET), b.getDouble(at + Sockopt.LCORE_IDLE_PERCENT_OFFSET),
                b.getLong(at + Sockopt.LCORE_LONGEST_NS_OFFSET) / 1000.0, b.getLong(at + Sockopt.LCORE_BIG_LOOPS_OFFSET)));
        }
    }

    /** The columns of {@code lcore:jobs}, from {@link Sockopt#GET_JOBS}. */
    static void printJobs(final PrintStream out, final ByteBuffer b)
    {
        b.order(ByteOrder.LITTLE_ENDIAN);
        final int n = b.getInt(0);
        out.println(String.format(Locale.ROOT, "%-5s %-24s %-13s %-9s %12s %10s %10s %8s %-11s %s", "LCORE", "JOB",
            "ROLE", "TYPE", "CALLS", "AVG_NS", "MAX_NS", "FAILURES", "STATE", "OWNER"));
        for (int i = 0; i < n; i++)
        {
            final int at = Sockopt.RANGES_HEADER_LENGTH + i * Sockopt.JOB_ENTRY_LENGTH;
            final int lcore = b.getInt(at + Sockopt.JOB_LCORE_OFFSET);
            final int skip = b.getInt(at + Sockopt.JOB_SKIP_LOOPS_OFFSET);
            final String type = SockoptClient.cString(b, at + Sockopt.JOB_TYPE_OFFSET, Sockopt.JOB_TYPE_LENGTH);
            final long calls = b.getLong(at + Sockopt.JOB_CALLS_OFFSET);
            out.println(String.format(Locale.ROOT, "%-5s %-24s %-13s %-9s %12d %10d %10d %8d %-11s %s",
                lcore < 0 ? "-" : Integer.toString(lcore),
                SockoptClient.cString(b, at + Sockopt.JOB_NAME_OFFSET, Sockopt.JOB_NAME_LENGTH),
                SockoptClient.cString(b, at + Sockopt.JOB_ROLE_OFFSET, Sockopt.JOB_ROLE_LENGTH),
                0 == skip ? type : type + "/" + skip, calls,
                0 == calls ? 0 : b.getLong(at + Sockopt.JOB_TOTAL_NS_OFFSET) / calls,
                b.getLong(at + Sockopt.JOB_MAX_NS_OFFSET), b.getLong(at + Sockopt.JOB_FAILURES_OFFSET),
                SockoptClient.cString(b, at + Sockopt.JOB_STATE_OFFSET, Sockopt.JOB_STATE_LENGTH),
                SockoptClient.cString(b, at + Sockopt.JOB_OWNER_OFFSET, Sockopt.JOB_OWNER_LENGTH)));
        }
        if (0 == n)
        {
            out.println("(no jobs registered)");
        }
    }

    /** The columns of {@code msg:stats} plus mode, priority and owner, from {@link Sockopt#GET_MSG_TYPES}. */
    static void printMsgTypes(final PrintStream out, final ByteBuffer b)
    {
        b.order(ByteOrder.LITTLE_ENDIAN);
        final int n = b.getInt(0);
        out.println(String.format(Locale.ROOT, "%-5s %-20s %-5s %-9s %-4s %10s %10s %10s %8s %8s %8s %8s %8s %s",
            "ID", "NAME", "LCORE", "MODE", "PRIO", "SENT", "RECV", "FIN", "DROP", "TIMEOUT", "CB_FAIL", "RINGFULL",
            "LATE", "OWNER"));
        for (int i = 0; i < n; i++)
        {
            final int at = Sockopt.RANGES_HEADER_LENGTH + i * Sockopt.MSG_ENTRY_LENGTH;
            out.println(String.format(Locale.ROOT, "%-5d %-20s %-5d %-9s %-4s %10d %10d %10d %8d %8d %8d %8d %8d %s",
                b.getInt(at + Sockopt.MSG_ID_OFFSET),
                SockoptClient.cString(b, at + Sockopt.MSG_NAME_OFFSET, Sockopt.MSG_NAME_LENGTH),
                b.getInt(at + Sockopt.MSG_LCORE_OFFSET),
                SockoptClient.cString(b, at + Sockopt.MSG_MODE_OFFSET, Sockopt.MSG_MODE_LENGTH),
                SockoptClient.cString(b, at + Sockopt.MSG_PRIORITY_OFFSET, Sockopt.MSG_PRIORITY_LENGTH),
                b.getLong(at + Sockopt.MSG_SENT_OFFSET), b.getLong(at + Sockopt.MSG_RECEIVED_OFFSET),
                b.getLong(at + Sockopt.MSG_FINISHED_OFFSET), b.getLong(at + Sockopt.MSG_DROPPED_OFFSET),
                b.getLong(at + Sockopt.MSG_TIMED_OUT_OFFSET), b.getLong(at + Sockopt.MSG_CALLBACK_FAILURES_OFFSET),
                b.getLong(at + Sockopt.MSG_RING_FULL_OFFSET), b.getLong(at + Sockopt.MSG_LATE_REPLIES_OFFSET),
                SockoptClient.cString(b, at + Sockopt.MSG_OWNER_OFFSET, Sockopt.MSG_OWNER_LENGTH)));
        }
    }

    static void printRanges(final PrintStream out, final ByteBuffer b)
    {
        b.order(ByteOrder.LITTLE_ENDIAN);
        final int n = b.getInt(0);
        out.println(String.format(Locale.ROOT, "%-4s %-11s %-8s %-16s %-36s %10s %8s", "TYPE", "IDS", "VERSION",
            "NAME", "OWNER", "CALLS", "ERRORS"));
        for (int i = 0; i < n; i++)
        {
            final int at = Sockopt.RANGES_HEADER_LENGTH + i * Sockopt.RANGES_ENTRY_LENGTH;
            final int min = b.getInt(at + Sockopt.RANGE_MIN_OFFSET);
            final int max = b.getInt(at + Sockopt.RANGE_MAX_OFFSET);
            out.println(String.format(Locale.ROOT, "%-4s %-11s 0x%06x %-16s %-36s %10d %8d",
                Sockopt.typeName(b.getInt(at + Sockopt.RANGE_TYPE_OFFSET)), min == max ? Integer.toString(min)
                    : min + "-" + max, b.getInt(at + Sockopt.RANGE_VERSION_OFFSET),
                SockoptClient.cString(b, at + Sockopt.RANGE_NAME_OFFSET, Sockopt.RANGE_NAME_LENGTH),
                SockoptClient.cString(b, at + Sockopt.RANGE_OWNER_OFFSET, Sockopt.RANGE_OWNER_LENGTH),
                b.getLong(at + Sockopt.RANGE_CALLS_OFFSET), b.getLong(at + Sockopt.RANGE_ERRORS_OFFSET)));
        }
    }
}
