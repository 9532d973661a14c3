package platform.lcore.impl;

/**
 * Binds the calling thread to a CPU. Separated from the scheduler so that the scheduler's rules can be tested
 * with and without real pinning.
 */
interface CpuPinner
{
    /** A pinning that did not happen: the thread runs where the OS puts it. */
    Pin UNPINNED = new Pin()
    {
        @Override
        public boolean pinned()
        {
            return false;
        }

        @Override
        public void release()
        {
        }
    };

    /**
     * Binds the calling thread to {@code cpu}.
     *
     * @param cpu a CPU id.
     * @return the pin to release from the same thread; {@link #UNPINNED} when pinning was impossible (the
     * implementation logs why).
     */
    Pin pinCurrentThread(int cpu);

    /**
     * The result of a pinning attempt.
     */
    interface Pin
    {
        boolean pinned();

        /** Releases the CPU lock; called on the pinned thread. */
        void release();
    }
}
