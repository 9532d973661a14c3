package modules.inetaddr.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import modules.inetaddr.api.InetAddrConf;
import modules.netif.api.Netif;
import platform.lcore.api.Edpvs;
import platform.msgmgr.api.MsgIds;
import platform.msgmgr.api.MsgManager;
import platform.msgmgr.api.MulticastResult;

/**
 * The listings: GET 51 ({@code dpip addr show}, with {@code -v} every lcore's own table gathered by IFA_GET),
 * GET 52 and the per-lcore tables for Gogo. Safe on any thread: the master's table is read as a snapshot.
 */
final class AddrShow
{
    private final InetAddrCore core;
    private final MsgManager msg;
    private final Netif netif;
    private final long timeoutUs;

    AddrShow(final InetAddrCore core, final MsgManager msg, final Netif netif, final long timeoutUs)
    {
        this.core = core;
        this.msg = msg;
        this.netif = netif;
        this.timeoutUs = timeoutUs;
    }

    /**
     * GET 51 as DPVS's {@code ifa_sockopt_get} answers it, or GET 52. Safe on any thread (the master's table is
     * read under its lock; {@code -v} asks the workers by IFA_GET).
     *
     * @param opt  51 or 52.
     * @param body the request.
     * @param why  receives the reason of a refusal.
     * @param out  gives the reply body of a length.
     * @return the code.
     */
    int get(final int opt, final ByteBuffer body, final Consumer<String> why, final IntFunction<ByteBuffer> out)
    {
        if (InetAddrConf.SOCKOPT_GET_IFMADDR_SHOW == opt)
        {
            final String ifname = cstring(body);
            if (ifname.isEmpty())
            {
                return core.refuse(why, Edpvs.INVAL, "no device named");
            }
            if (netif.portId(ifname) < 0)
            {
                return core.refuse(why, Edpvs.NOTEXIST, "no such device: " + ifname);
            }
            // IPv4 joins no multicast group per address (DPVS's list holds IPv6 groups only): an empty array
            out.apply(InetAddrConf.MADDR_ARRAY_HEADER).putInt(0);
            return Edpvs.OK;
        }
        final int at = body.position();
        if (body.remaining() < InetAddrConf.PARAM_SIZE
            || InetAddrConf.INET_ADDR_GET != body.getInt(at + InetAddrConf.PARAM_OPS_OFFSET))
        {
            return core.refuse(why, Edpvs.INVAL, "want a 76-byte inet_addr_param with ifa_ops GET (1)");
        }
        final int e = at + InetAddrConf.PARAM_ENTRY_OFFSET;
        final int af = body.getInt(e + InetAddrConf.AF_OFFSET);
        if (InetAddrConf.AF_INET != af && InetAddrConf.AF_INET6 != af && InetAddrConf.AF_UNSPEC != af)
        {
            return core.refuse(why, Edpvs.NOTSUPP, "af " + af);
        }
        final String ifname = InetAddrCore.ifname(body, e);
        int port = -1;
        if (!ifname.isEmpty())
        {
            port = netif.portId(ifname);
            if (port < 0)
            {
                return core.refuse(why, Edpvs.NOTEXIST, "no such device: " + ifname);
            }
        }
        final int opsFlags = body.getInt(at + InetAddrConf.PARAM_OPS_FLAGS_OFFSET);
        final List<IfAddr> list = new ArrayList<>(Arrays.asList(ordered(core.snapshot(), port)));
        final List<Integer> cids = new ArrayList<>();
        for (int i = 0; i < list.size(); i++)
        {
            cids.add(msg.masterLcoreId());
        }
        if (0 != (opsFlags & InetAddrConf.IFA_F_OPS_VERBOSE))
        {
            final MulticastResult r = new MulticastResult();
            final int rc = msg.multicastSync(MsgIds.IFA_GET, port, timeoutUs, r);
            if (Edpvs.OK != rc)
            {
                return core.refuse(why, rc, "no answer from lcores " + InetAddrCore.lcoreList(r.missingMask()));
            }
            // by lcore id, so the listing does not depend on which worker answered first
            final Integer[] order = new Integer[r.count()];
            for (int i = 0; i < order.length; i++)
            {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt(r::lcore));
            for (final int i : order)
            {
                for (final IfAddr a : (IfAddr[])r.reply(i))
                {
                    list.add(a);
                    cids.add(r.lcore(i));
                }
            }
        }
        final ByteBuffer b = out.apply(InetAddrConf.ARRAY_HEADER + list.size() * InetAddrConf.DATA_SIZE);
        b.putInt(InetAddrConf.INET_ADDR_GET).putInt(opsFlags).putInt(list.size());
        for (int i = 0; i < list.size(); i++)
        {
            list.get(i).encode(b, cids.get(i));
        }
        return Edpvs.OK;
    }

    private static String cstring(final ByteBuffer body)
    {
        final int at = body.position();
        int n = 0;
        while (n < body.remaining() && n < InetAddrConf.IFNAME_LENGTH && 0 != body.get(at + n))
        {
            n++;
        }
        final byte[] b = new byte[n];
        body.get(at, b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /**
     * DPVS's listing order: one port's addresses newest first (its list is prepended to); all addresses by
     * hash bucket, newest first within one.
     *
     * @param all  addresses in insertion order.
     * @param port one port, or -1 for all.
     * @return them in that order.
     */
    static IfAddr[] ordered(final IfAddr[] all, final int port)
    {
        final List<IfAddr> l = new ArrayList<>();
        for (int i = all.length - 1; i >= 0; i--)
        {
            if (port < 0 || all[i].port() == port)
            {
                l.add(all[i]);
            }
        }
        if (port < 0)
        {
            l.sort(Comparator.comparingInt(IfAddr::hashBucket));
        }
        return l.toArray(new IfAddr[0]);
    }

    /**
     * Asks every worker for its table; any thread.
     *
     * @return "lcore N: M addresses" lines with the addresses.
     */
    String lcoreTables()
    {
        final MulticastResult r = new MulticastResult();
        final int rc = msg.multicastSync(MsgIds.IFA_GET, -1, timeoutUs, r);
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "master lcore %d: %d addresses%n", msg.masterLcoreId(), core.size()));
        for (int i = 0; i < r.count(); i++)
        {
            final IfAddr[] t = (IfAddr[])r.reply(i);
            sb.append(String.format(Locale.ROOT, "lcore %d: %d addresses%n", r.lcore(i), t.length));
            for (final IfAddr a : t)
            {
                sb.append("  ").append(a).append(System.lineSeparator());
            }
        }
        if (Edpvs.OK != rc)
        {
            sb.append("incomplete: ").append(Edpvs.strerror(rc)).append(" no answer from lcores ")
                .append(InetAddrCore.lcoreList(r.missingMask())).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
