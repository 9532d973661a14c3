package platform.sockopt.api;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a bundle registers ({@code struct dpvs_sockopts}): a name, a version, a SET id range with its handler and a
 * GET id range with its handler; either range may be absent.
 *
 * <pre>
 * SockoptSpec spec = SockoptSpec.builder("route")
 *     .set(28, 31, this::set)
 *     .get(32, 32, this::get)
 *     .build();
 * </pre>
 */
@ProviderType
public final class SockoptSpec
{
    private final String name;
    private final int version;
    private final int setMin;
    private final int setMax;
    private final SockoptHandler set;
    private final int getMin;
    private final int getMax;
    private final SockoptHandler get;

    private SockoptSpec(final Builder b)
    {
        this.name = b.name;
        this.version = b.version;
        this.setMin = b.setMin;
        this.setMax = b.setMax;
        this.set = b.set;
        this.getMin = b.getMin;
        this.getMax = b.getMax;
        this.get = b.get;
    }

    /**
     * @param name a name for listings and errors, e.g. "route".
     * @return a builder.
     */
    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    public String name()
    {
        return name;
    }

    /**
     * @return the version requests must carry ({@link Sockopt#VERSION} unless set otherwise).
     */
    public int version()
    {
        return version;
    }

    public int setMin()
    {
        return setMin;
    }

    public int setMax()
    {
        return setMax;
    }

    /**
     * @return the SET handler, null when the spec has no SET range.
     */
    public SockoptHandler set()
    {
        return set;
    }

    public int getMin()
    {
        return getMin;
    }

    public int getMax()
    {
        return getMax;
    }

    /**
     * @return the GET handler, null when the spec has no GET range.
     */
    public SockoptHandler get()
    {
        return get;
    }

    @Override
    public String toString()
    {
        return name + " (" + (null == set ? "no SET" : "SET " + setMin + ".." + setMax) + ", "
            + (null == get ? "no GET" : "GET " + getMin + ".." + getMax) + ")";
    }

    /** Builds a {@link SockoptSpec}. */
    @ProviderType
    public static final class Builder
    {
        private final String name;
        private int version = Sockopt.VERSION;
        private int setMin;
        private int setMax;
        private SockoptHandler set;
        private int getMin;
        private int getMax;
        private SockoptHandler get;

        Builder(final String name)
        {
            if (null == name || name.isBlank())
            {
                throw new IllegalArgumentException("a sockopt needs a name");
            }
            this.name = name;
        }

        /**
         * @param version the version requests must carry.
         * @return this.
         */
        public Builder version(final int version)
        {
            this.version = version;
            return this;
        }

        /**
         * @param min     first SET id (0..2^32-1 as unsigned, ids are u32 on the wire; kept to 0..2^31-1 here).
         * @param max     last SET id, at least min.
         * @param handler the SET handler.
         * @return this.
         */
        public Builder set(final int min, final int max, final SockoptHandler handler)
        {
            checkRange("SET", min, max);
            this.setMin = min;
            this.setMax = max;
            this.set = Objects.requireNonNull(handler, "SET handler");
            return this;
        }

        /**
         * @param min     first GET id.
         * @param max     last GET id, at least min.
         * @param handler the GET handler.
         * @return this.
         */
        public Builder get(final int min, final int max, final SockoptHandler handler)
        {
            checkRange("GET", min, max);
            this.getMin = min;
            this.getMax = max;
            this.get = Objects.requireNonNull(handler, "GET handler");
            return this;
        }

        private void checkRange(final String kind, final int min, final int max)
        {
            if (min < 0 || max < min)
            {
                throw new IllegalArgumentException(
                    "sockopt " + name + ": bad " + kind + " range [" + min + ", " + max + "]");
            }
        }

        /**
         * @return the spec.
         * @throws IllegalArgumentException when it has neither a SET nor a GET range.
         */
        public SockoptSpec build()
        {
            if (null == set && null == get)
            {
                throw new IllegalArgumentException("sockopt " + name + " has neither a SET nor a GET range");
            }
            return new SockoptSpec(this);
        }
    }
}
