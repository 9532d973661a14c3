package platform.msgmgr.impl;

import platform.msgmgr.api.MulticastReplies;

/**
 * The replies of a multicast that never started ({@link MulticastCoordinator#EMPTY_REPLIES}).
 */
final class EmptyReplies implements MulticastReplies
{
    @Override
    public int type()
    {
        return 0;
    }

    @Override
    public int seq()
    {
        return 0;
    }

    @Override
    public Object payload()
    {
        return null;
    }

    @Override
    public int count()
    {
        return 0;
    }

    @Override
    public int lcore(final int i)
    {
        throw new IndexOutOfBoundsException(i);
    }

    @Override
    public Object reply(final int i)
    {
        throw new IndexOutOfBoundsException(i);
    }

    @Override
    public boolean failed(final int i)
    {
        throw new IndexOutOfBoundsException(i);
    }

    @Override
    public long askedMask()
    {
        return 0;
    }

    @Override
    public long missingMask()
    {
        return 0;
    }
}
