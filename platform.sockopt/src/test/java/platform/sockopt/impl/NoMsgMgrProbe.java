package platform.sockopt.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import platform.lcore.api.LcoreScheduler;
import platform.lcore.impl.TestLcores;
import platform.sockopt.api.Sockopt;
import platform.sockopt.client.SockoptClient;

/**
 * Run by {@link SockoptWithoutMsgMgrTest} in a class loader that has no {@code platform.msgmgr} classes: starts the
 * control socket on real lcores, asks GET 9000 and GET 9003, and reflects on the DS component as SCR does.
 */
public final class NoMsgMgrProbe implements Callable<String>
{
    @Override
    public String call() throws Exception
    {
        // what SCR does with the component class before it binds anything
        final int methods = SockoptRuntime.class.getDeclaredMethods().length
            + SockoptRuntime.class.getDeclaredConstructors().length;
        final LcoreScheduler lcores = TestLcores.start("lcore 0 role MASTER cpu none\n");
        final Path path = Files.createTempDirectory("sockopt").resolve("n.ipc");
        final SockoptCore core = new SockoptCore(ServerConfig.defaults(path), lcores);
        try
        {
            core.start();
            final SockoptClient client = SockoptClient.of(path, Duration.ofSeconds(5));
            return "reflected " + (methods > 0) + ", ranges " + client.get(Sockopt.GET_RANGES, null).errcode()
                + ", msg types " + client.get(Sockopt.GET_MSG_TYPES, null).errcode();
        }
        finally
        {
            core.stop();
            TestLcores.stop(lcores);
        }
    }
}
