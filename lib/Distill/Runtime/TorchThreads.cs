using TorchSharp;

namespace Distill.Runtime;

/// <summary>
/// The intra-op thread count of torch work, the same on every OS thread. libtorch keeps the count per OS thread (the
/// OpenMP setting of the calling thread): torch.set_num_threads reaches the thread that calls it and threads that run
/// torch work for the first time afterwards, but a thread that has already run torch work keeps the count it started
/// with. Notebook kernels and test runners run successive cells or awaits on whichever pool thread is free, so the same
/// training could run with 1 thread in one cell and 2 in the next, and float sums split differently give results that
/// differ in the last bits (a resumed run no longer matched an uninterrupted one). <see cref="Set"/> records the count;
/// the trainers call <see cref="ApplyHere"/> on the thread they run on.
/// </summary>
public static class TorchThreads
{
    static volatile int wanted;   // 0: never set, libtorch's default everywhere

    /// <summary>Sets the count for this thread and every thread that later trains or evaluates through the library.</summary>
    public static void Set(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        wanted = threads;
        torch.set_num_threads(threads);
    }

    /// <summary>The count <see cref="Set"/> recorded, or null when it was never called.</summary>
    public static int? Wanted => wanted > 0 ? wanted : null;

    /// <summary>Makes the calling thread use the recorded count (nothing when it already does or none was set).</summary>
    public static void ApplyHere()
    {
        int n = wanted;
        if (n > 0 && torch.get_num_threads() != n) torch.set_num_threads(n);   // set_num_threads also drops oneDNN's cache: only on a change
    }
}
