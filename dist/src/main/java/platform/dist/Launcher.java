package platform.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Command-line entry point of the platform distribution ({@code java -jar platform.jar}).
 * <p>
 * It checks the home folder (the folder of {@code platform.jar}, or {@code -Dplatform.home}), applies the defaults
 * of {@code etc/system.properties}, computes the framework properties and hands over to {@link PlatformRunner},
 * which starts Felix and installs {@code bundle/<n>/*.jar} at start level n. This class uses no OSGi type, so that a
 * missing framework jar in {@code lib/} is reported as such rather than as a {@link NoClassDefFoundError}.
 */
public final class Launcher
{
    /** Exit code: the platform ran and stopped, or the {@code --exec} command succeeded. */
    public static final int EXIT_OK = 0;
    /** Exit code: the {@code --exec} command failed, or the framework could not start. */
    public static final int EXIT_FAILED = 1;
    /**
     * Exit code: the {@code --exec} command could not be run: not registered in time, or registered but its
     * service cannot be obtained (a failed DS component).
     */
    public static final int EXIT_TIMEOUT = 2;
    /** Exit code: bad arguments or a broken home layout. */
    public static final int EXIT_USAGE = 3;

    /** System property: the home folder (default: the folder of platform.jar). */
    static final String HOME_PROPERTY = "platform.home";
    /** System property: how long {@code --exec} waits for its command, in milliseconds. */
    static final String EXEC_TIMEOUT_PROPERTY = "platform.exec.timeout.ms";
    /** System property: how long {@code --exec} waits, once its command is registered, before running it (ms). */
    static final String EXEC_DELAY_PROPERTY = "platform.exec.delay.ms";
    /** System property: how long stopping (shutdown hook, end of --exec) waits for the framework, in ms. */
    static final String STOP_TIMEOUT_PROPERTY = "platform.stop.timeout.ms";
    /** Framework property read by platform.lcore. */
    static final String LCORE_CONF_PROPERTY = "platform.lcore.conf";
    static final String NETIF_CONF_PROPERTY = "platform.netif.conf";
    /** Gogo shell arguments. */
    static final String GOSH_ARGS = "gosh.args";
    /** System property: the log file (default {@code <home>/log/platform.log}); read by etc/logback.xml. */
    static final String LOG_FILE_PROPERTY = "platform.log.file";
    /**
     * The start level of the feature bundles: fileinstall installs what it finds in {@code deploy/} (where the
     * distribution ships them) at this level, above the platform bundles of {@code bundle/1..3}.
     */
    static final int FEATURE_LEVEL = 4;

    /** System property: the lowest level shown on the console (default WARN); read by etc/logback.xml. */
    static final String CONSOLE_LEVEL_PROPERTY = "platform.log.console.level";
    /** System property: how long the launcher waits for the platform's core services, in milliseconds. */
    static final String START_TIMEOUT_PROPERTY = "platform.start.timeout.ms";
    /** System property set by the launcher: the console level of etc/logback.xml's chatty loggers. */
    static final String CONSOLE_DETAIL_LEVEL_PROPERTY = "platform.log.console.detail.level";
    /** System property set by the launcher: the console level of what the launcher reports itself (INFO or OFF). */
    static final String CONSOLE_VERBOSE_LEVEL_PROPERTY = "platform.log.console.verbose.level";
    private static final String LOGBACK_CONFIG = "logback.configurationFile";
    private static final String JUL_CONFIG = "java.util.logging.config.file";
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** System properties with these prefixes are passed through as framework properties. */
    private static final String[] PASS_THROUGH_PREFIXES = {"platform.", "felix.", "gosh.", "org.osgi."};

    private static final String USAGE = String.join(System.lineSeparator(),
        "Usage: java [-D<name>=<value>...] -jar platform.jar [--exec '<gogo command line>'] [--console-level LEVEL]",
        "            [--help]",
        "",
        "Starts the platform: Apache Felix with every jar of bundle/<n>/ installed and started at start level n",
        "(ascending n), then hot deployment of deploy/.",
        "",
        "  (no option)     On a terminal: the Gogo shell ('g! ' prompt); 'exit 0' or Ctrl-D stops the platform.",
        "                  Without a terminal (service, CI, stdin redirected): headless, runs until stopped",
        "                  (SIGTERM or Ctrl-C stop the bundles cleanly).",
        "  --exec CMD      Start headless, wait until CMD's command is registered, run CMD through Gogo, print its",
        "                  result, stop. Exit code 0 on success, 1 if CMD failed, 2 if it was not available in time",
        "                  (or its service failed to activate).",
        "  --console-level LEVEL  Lowest level of the log events also shown on the console: TRACE, DEBUG, INFO,",
        "                  WARN (default), ERROR or OFF. Everything at INFO and above goes to the log file.",
        "  --help          This text.",
        "",
        "If the platform's core (lcores, message manager, control socket) does not come up, the launcher prints one",
        "line 'platform: not running: <cause>' (details in the log file) and, unless on a terminal, exits with 1.",
        "",
        "System properties (-D before -jar):",
        "  platform.home=DIR               home folder (default: the folder of platform.jar)",
        "  platform.lcore.conf=FILE        lcore layout (default: <home>/etc/lcores.conf)",
        "  platform.netif.conf=FILE        ports and queues (default: <home>/etc/netif.conf if it exists, else a",
        "                                  synthetic port with a queue per forwarding lcore)",
        "  platform.exec.timeout.ms=MS     how long --exec waits for its command to be registered (default 30000)",
        "  platform.exec.delay.ms=MS       then how long it lets the platform settle before running it (default 0:",
        "                                  the lcore scheduler service appears only once its lcores run)",
        "  platform.stop.timeout.ms=MS     how long a stop waits for the bundles (default 15000)",
        "  platform.start.timeout.ms=MS    how long the core services may take to come up (default 30000)",
        "  platform.log.file=FILE          log file (default <home>/log/platform.log), rotated as FILE.1 .. FILE.N",
        "  platform.log.console.level=L    as --console-level (default WARN)",
        "  platform.log.max.size=SIZE      rotate the log file at this size (default 10MB); platform.log.max.files=N",
        "                                  rotated files kept (default 5); more in <home>/etc/logback.xml",
        "  Any -D name starting with platform., felix., gosh. or org.osgi. is also a framework property",
        "  (for example -Dfelix.fileinstall.poll=500 or -Dgosh.args=--nointeractive).",
        "",
        "Exit codes: 0 ok, 1 command or platform failure, 2 --exec command not available,",
        "            3 bad arguments or home layout.");

    private Launcher()
    {
    }

    /**
     * Runs the platform; see {@code --help}.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    static int run(final String[] args)
    {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        String exec = null;
        String consoleLevel = null;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            if ("--help".equals(a) || "-h".equals(a) || "-?".equals(a))
            {
                out.println(USAGE);
                return EXIT_OK;
            }
            else if ("--exec".equals(a) || "-e".equals(a))
            {
                if (i + 1 >= args.length || args[i + 1].isBlank())
                {
                    err.println("platform: " + a + " needs a Gogo command line, e.g. --exec 'lcore:list'");
                    return EXIT_USAGE;
                }
                exec = args[++i];
            }
            else if ("--console-level".equals(a) || a.startsWith("--console-level="))
            {
                final String v = a.startsWith("--console-level=") ? a.substring("--console-level=".length())
                    : i + 1 < args.length ? args[++i] : "";
                if (!LEVELS.contains(v.toUpperCase(Locale.ROOT)))
                {
                    err.println("platform: --console-level needs one of " + String.join(", ", LEVELS) + ", got '"
                        + v + "'");
                    return EXIT_USAGE;
                }
                consoleLevel = v.toUpperCase(Locale.ROOT);
            }
            else if (a.startsWith("--exec="))
            {
                exec = a.substring("--exec=".length());
                if (exec.isBlank())
                {
                    err.println("platform: --exec needs a Gogo command line, e.g. --exec 'lcore:list'");
                    return EXIT_USAGE;
                }
            }
            else
            {
                err.println("platform: unknown argument '" + a + "' (see --help)");
                return EXIT_USAGE;
            }
        }

        final Path home;
        final SortedMap<Integer, List<Path>> bundles;
        try
        {
            home = home();
            bundles = bundleLevels(home);
            frameworkJarPresent();
            if (null != consoleLevel)
            {
                System.setProperty(CONSOLE_LEVEL_PROPERTY, consoleLevel);
            }
            systemPropertyDefaults(home.resolve("etc").resolve("system.properties"));
            loggingDefaults(home);
            Files.createDirectories(home.resolve("deploy"));
        }
        catch (final LayoutException ex)
        {
            err.println("platform: " + ex.getMessage());
            return EXIT_USAGE;
        }
        catch (final IOException ex)
        {
            err.println("platform: broken home folder: " + ex);
            return EXIT_USAGE;
        }

        final boolean interactive = null == exec && isTerminal();
        final Map<String, String> config = frameworkProperties(home, bundles.lastKey(), interactive, null != exec);
        final PlatformRunner runner = new PlatformRunner(config, bundles, out, err,
            Long.getLong(STOP_TIMEOUT_PROPERTY, 15_000L));
        // a shell session reads stdin (a terminal, or -Dgosh.args without --nointeractive): a person may be there
        final boolean shell = null == exec && !config.getOrDefault(GOSH_ARGS, "").contains("--nointeractive");
        return runner.run(exec, Long.getLong(EXEC_TIMEOUT_PROPERTY, 30_000L),
            Long.getLong(EXEC_DELAY_PROPERTY, 0L), Long.getLong(START_TIMEOUT_PROPERTY, 30_000L), shell);
    }

    /**
     * The home folder: {@code -Dplatform.home}, else the folder holding platform.jar.
     */
    static Path home() throws LayoutException
    {
        final String prop = System.getProperty(HOME_PROPERTY);
        if (null != prop && !prop.isBlank())
        {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        try
        {
            final Path code = Paths.get(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return (Files.isRegularFile(code) ? code.getParent() : code).toAbsolutePath().normalize();
        }
        catch (final URISyntaxException | RuntimeException ex)
        {
            throw new LayoutException("cannot tell where platform.jar is (" + ex + "); set -D" + HOME_PROPERTY);
        }
    }

    /**
     * The jars of {@code <home>/bundle/<n>/}, by ascending n, each level sorted by file name.
     */
    static SortedMap<Integer, List<Path>> bundleLevels(final Path home) throws LayoutException, IOException
    {
        final Path dir = home.resolve("bundle");
        if (!Files.isDirectory(dir))
        {
            throw new LayoutException("broken home folder " + home + ": no bundle/ folder (expected bundle/<n>/*.jar; "
                + "run platform.jar from the assembled distribution, or set -D" + HOME_PROPERTY + ")");
        }
        final SortedMap<Integer, List<Path>> levels = new TreeMap<>();
        try (Stream<Path> subdirs = Files.list(dir))
        {
            for (final Path sub : subdirs.filter(Files::isDirectory).collect(Collectors.toList()))
            {
                final int level;
                try
                {
                    level = Integer.parseInt(sub.getFileName().toString());
                }
                catch (final NumberFormatException ex)
                {
                    continue;
                }
                if (level < 1)
                {
                    throw new LayoutException(sub + ": start levels begin at 1");
                }
                try (Stream<Path> jars = Files.list(sub))
                {
                    final List<Path> list = jars.filter(p -> p.getFileName().toString().endsWith(".jar"))
                        .filter(Files::isRegularFile).sorted().collect(Collectors.toList());
                    if (!list.isEmpty())
                    {
                        levels.put(level, list);
                    }
                }
            }
        }
        if (levels.isEmpty())
        {
            throw new LayoutException("broken home folder " + home + ": no jar in any bundle/<n>/ folder");
        }
        return levels;
    }

    private static void frameworkJarPresent() throws LayoutException
    {
        try
        {
            Class.forName("org.osgi.framework.launch.FrameworkFactory", false, Launcher.class.getClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            throw new LayoutException("the OSGi framework is not on the class path: platform.jar expects "
                + "lib/org.apache.felix.framework-<version>.jar next to it (see its manifest Class-Path)");
        }
    }

    /**
     * Sets the properties of {@code etc/system.properties} that are not already system properties.
     */
    static void systemPropertyDefaults(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            return;
        }
        final Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file))
        {
            p.load(in);
        }
        for (final String name : p.stringPropertyNames())
        {
            if (null == System.getProperty(name))
            {
                System.setProperty(name, p.getProperty(name).trim());
            }
        }
    }

    /**
     * Points logback at {@code etc/logback.xml} and its log file at {@code <home>/log/platform.log}, and
     * java.util.logging at {@code etc/logging.properties}, unless given with -D. Creates the log file's folder.
     */
    static void loggingDefaults(final Path home) throws IOException
    {
        final Path etc = home.resolve("etc");
        if (null == System.getProperty(LOG_FILE_PROPERTY))
        {
            System.setProperty(LOG_FILE_PROPERTY, home.resolve("log").resolve("platform.log").toString());
        }
        final Path logFile = Paths.get(System.getProperty(LOG_FILE_PROPERTY)).toAbsolutePath();
        System.setProperty(LOG_FILE_PROPERTY, logFile.toString());
        if (null != logFile.getParent())
        {
            Files.createDirectories(logFile.getParent());
        }
        // the chatty loggers of etc/logback.xml: errors only on the console, unless the console shows INFO or more
        final String level = System.getProperty(CONSOLE_LEVEL_PROPERTY, "WARN").trim().toUpperCase(Locale.ROOT);
        final int index = LEVELS.indexOf(level);
        System.setProperty(CONSOLE_DETAIL_LEVEL_PROPERTY, index < 0 ? "ERROR"
            : index <= LEVELS.indexOf("INFO") || index > LEVELS.indexOf("ERROR") ? level : "ERROR");
        System.setProperty(CONSOLE_VERBOSE_LEVEL_PROPERTY,
            index >= 0 && index <= LEVELS.indexOf("INFO") ? level : "OFF");
        if (null == System.getProperty(LOGBACK_CONFIG) && Files.isRegularFile(etc.resolve("logback.xml")))
        {
            System.setProperty(LOGBACK_CONFIG, etc.resolve("logback.xml").toString());
        }
        if (null == System.getProperty(JUL_CONFIG) && Files.isRegularFile(etc.resolve("logging.properties")))
        {
            System.setProperty(JUL_CONFIG, etc.resolve("logging.properties").toString());
        }
    }

    /**
     * The framework properties: the distribution's defaults, then every system property with a pass-through
     * prefix (so -D overrides a default), then the Gogo mode.
     */
    static Map<String, String> frameworkProperties(final Path home, final int maxLevel, final boolean interactive,
        final boolean exec)
    {
        final Map<String, String> cfg = new HashMap<>();
        cfg.put("org.osgi.framework.storage", home.resolve("data").resolve("felix-cache").toString());
        cfg.put("org.osgi.framework.storage.clean", "onFirstInit");
        // the feature bundles come from deploy/ at their own level, above the platform's, so the framework must
        // reach it even when no bundle/<n>/ folder goes that high
        cfg.put("org.osgi.framework.startlevel.beginning", Integer.toString(Math.max(maxLevel, FEATURE_LEVEL)));
        cfg.put("felix.fileinstall.dir", home.resolve("deploy").toString());
        cfg.put("felix.fileinstall.start.level", Integer.toString(FEATURE_LEVEL));
        cfg.put("felix.fileinstall.poll", "1000");
        cfg.put("felix.fileinstall.noInitialDelay", "true");
        cfg.put(LCORE_CONF_PROPERTY, home.resolve("etc").resolve("lcores.conf").toString());
        // netif's ports and queues: etc/netif.conf when the user wrote one (etc/netif.conf.example shows how),
        // else netif's embedded default (a synthetic port with a queue per forwarding lcore)
        final Path netifConf = home.resolve("etc").resolve("netif.conf");
        if (Files.isRegularFile(netifConf))
        {
            cfg.put(NETIF_CONF_PROPERTY, netifConf.toString());
        }
        cfg.put(HOME_PROPERTY, home.toString());
        // SCR reports a component that fails to activate with a stack trace on stdout (it has no log service
        // here); the launcher reads the failure from SCR instead and writes it to the log file
        cfg.put("ds.log.enabled", "false");
        for (final String name : System.getProperties().stringPropertyNames())
        {
            for (final String prefix : PASS_THROUGH_PREFIXES)
            {
                if (name.startsWith(prefix))
                {
                    cfg.put(name, System.getProperty(name));
                    break;
                }
            }
        }
        if (exec)
        {
            // --exec never reads stdin: a shell at stdin EOF would stop the framework under the command
            cfg.put(GOSH_ARGS, "--nointeractive");
        }
        else if (!interactive && !cfg.containsKey(GOSH_ARGS))
        {
            // no terminal: stdin is at EOF or not a person; the shell would stop the framework at EOF
            cfg.put(GOSH_ARGS, "--nointeractive");
        }
        return cfg;
    }

    /**
     * True when stdin and stdout are a terminal. From Java 22 System.console() is also non-null without a
     * terminal; Console.isTerminal() (Java 22+, called reflectively) then tells.
     */
    static boolean isTerminal()
    {
        final java.io.Console console = System.console();
        if (null == console)
        {
            return false;
        }
        try
        {
            final Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            // Java 17 to 21: no isTerminal(), and a non-null console means a terminal
            return true;
        }
    }

    /** The home folder is not a platform distribution. */
    static final class LayoutException extends Exception
    {
        private static final long serialVersionUID = 1L;

        LayoutException(final String message)
        {
            super(message);
        }
    }
}
