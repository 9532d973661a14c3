package modules.route.impl;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import modules.route.cli.RouteCtl;
import platform.lcore.api.Edpvs;

/**
 * Route changes written as dpip's words ({@code 10.1.0.0/16 via 10.2.0.1 dev dpdk1}), from the Gogo shell and from
 * the configuration's static routes: parsed by the command line's parser into the bytes dpip would send, then
 * through the same checks as the control socket's SET 28, 29 and 31, on the master lcore.
 */
final class RouteWords
{
    private static final Logger LOG = LoggerFactory.getLogger(RouteWords.class);

    private RouteWords()
    {
    }

    /**
     * A route command from the Gogo shell, dpip's words: {@code add|del PREFIX [via GW] dev IF ...} or
     * {@code flush}; applied on the master lcore as SET 28, 29 or 31 would be.
     *
     * @param verb  add, del or flush.
     * @param words the words after it.
     * @return "OK", or the refusal with its code.
     */
    static String command(final RouteCore core, final String verb, final List<String> words)
    {
        final String[] why = new String[1];
        int rc;
        try
        {
            if ("flush".equals(verb))
            {
                if (!words.isEmpty())
                {
                    throw new IllegalArgumentException("route flush takes no arguments");
                }
                rc = core.flushFromBundle(w -> why[0] = w);
            }
            else
            {
                final byte[] detail = RouteCtl.detail(RouteCtl.parse(words));
                rc = core.fromBundle("add".equals(verb), RouteDetail.spec(ByteBuffer.wrap(detail), 0), w -> why[0] = w);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            rc = Edpvs.INVAL;
            why[0] = ex.getMessage();
        }
        return Edpvs.OK == rc ? "OK" : Edpvs.strerror(rc) + " (" + rc + ")" + (null == why[0] ? "" : ": " + why[0]);
    }

    /**
     * The configuration's static routes, each written as dpip's {@code route add} words
     * ({@code 10.1.0.0/16 via 10.2.0.1 dev dpdk1}): applied through the master lcore with SET 28's checks, undone
     * with a delete when a later entry of the same source is refused.
     *
     * @param core the started core.
     * @return the applier of {@link platform.common.StaticConfig}.
     */
    static platform.common.StaticConfig.Applier staticRoutes(final RouteCore core)
    {
        return new platform.common.StaticConfig.Applier()
        {
            @Override
            public String apply(final String text)
            {
                return change(true, text);
            }

            @Override
            public void undo(final String text)
            {
                change(false, text);
            }

            private String change(final boolean add, final String text)
            {
                final String[] why = new String[1];
                int rc;
                try
                {
                    final byte[] detail = RouteCtl.detail(RouteCtl.parse(Arrays.asList(text.split("\\s+"))));
                    rc = core.fromBundle(add, RouteDetail.spec(ByteBuffer.wrap(detail), 0), w -> why[0] = w);
                }
                catch (final IllegalArgumentException ex)
                {
                    rc = Edpvs.INVAL;
                    why[0] = ex.getMessage();
                }
                return Edpvs.OK == rc ? null : why[0] + " (" + Edpvs.strerror(rc) + ")";
            }
        };
    }
}
