package platform.sockopt.impl;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.Test;

import platform.lcore.api.Edpvs;

/**
 * The control socket without the message manager (its import is optional in bnd.bnd): in a class loader where no
 * {@code platform.msgmgr} class exists, as in a framework where the optional import stays unwired, the socket
 * starts and serves, GET 9003 answers EDPVS_NOTSUPP, and nothing tries to load a message manager class.
 */
public class SockoptWithoutMsgMgrTest
{
    @Test
    public void shouldStartAndServeWithoutTheMessageManager() throws Exception
    {
        final HidingLoader loader = new HidingLoader("platform.msgmgr.");
        @SuppressWarnings("unchecked")
        final Callable<String> probe = (Callable<String>)loader.loadClass(NoMsgMgrProbe.class.getName())
            .getDeclaredConstructor().newInstance();
        final String result = probe.call();
        assertEquals("[]", loader.hiddenAsked.toString());
        assertEquals("reflected true, ranges 0, msg types " + Edpvs.NOTSUPP, result);
    }

    /** Loads the class path's classes itself (child first), except the hidden ones, which do not exist. */
    private static final class HidingLoader extends ClassLoader
    {
        private final String hidden;
        private final ClassLoader source = SockoptWithoutMsgMgrTest.class.getClassLoader();
        final List<String> hiddenAsked = Collections.synchronizedList(new ArrayList<>());

        HidingLoader(final String hidden)
        {
            super("without-" + hidden, ClassLoader.getPlatformClassLoader());
            this.hidden = hidden;
        }

        @Override
        protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
        {
            synchronized (getClassLoadingLock(name))
            {
                Class<?> c = findLoadedClass(name);
                if (null == c)
                {
                    if (name.startsWith(hidden))
                    {
                        hiddenAsked.add(name);
                        throw new ClassNotFoundException(name + " is not in this class space");
                    }
                    try
                    {
                        c = getParent().loadClass(name);
                    }
                    catch (final ClassNotFoundException notJdk)
                    {
                        c = findClass(name);
                    }
                }
                if (resolve)
                {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        protected Class<?> findClass(final String name) throws ClassNotFoundException
        {
            try (InputStream in = source.getResourceAsStream(name.replace('.', '/') + ".class"))
            {
                if (null == in)
                {
                    throw new ClassNotFoundException(name);
                }
                final byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            }
            catch (final IOException ex)
            {
                throw new ClassNotFoundException(name, ex);
            }
        }

        @Override
        protected URL findResource(final String name)
        {
            return source.getResource(name);
        }

        @Override
        protected Enumeration<URL> findResources(final String name) throws IOException
        {
            return source.getResources(name);
        }
    }
}
