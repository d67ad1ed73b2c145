using System.Runtime.InteropServices;

namespace Distill.Runtime;

/// <summary>
/// glibc malloc settings for tensor-sized blocks, set once by <see cref="TorchRuntime.Initialize"/>. libtorch's CPU
/// allocator is plain malloc. By default glibc serves blocks above a moving threshold (128 KiB, rising with the
/// largest block freed, at most 32 MiB) with fresh mmap'd pages and gives a freed heap top back to the OS once it
/// passes twice that threshold. A training step allocates and frees hundreds of MB of activations, so each step paid
/// for its memory again in page faults and zero-filled pages: ResNet-32 -> ResNet-8 KD at B = 128 on 2 cores took
/// ~1 M minor faults per 36 steps and ran ~7 % slower than with the settings below, which keep freed blocks of up to
/// 32 MiB in the heap and trim a free heap top only above 1 GiB (tests/Benchmarks/KdStep/README.md). Larger blocks
/// are mmap'd as before. A process-wide setting, fitting for the single-purpose processes that train models; no-op
/// off glibc.
/// </summary>
public static class NativeHeap
{
    /// <summary>Blocks up to this size come from the heap and are reused there (glibc's ceiling on 64-bit).</summary>
    public const int MmapThreshold = 32 << 20;

    /// <summary>A free heap top is returned to the OS only above this size.</summary>
    public const int TrimThreshold = 1 << 30;

    const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;

    /// <summary>Whether the settings took (glibc answered yes to both).</summary>
    public static bool Tuned { get; private set; }

    /// <summary>Applies the settings; true where glibc accepted them. Safe to call more than once.</summary>
    public static bool Tune()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            Tuned = SetThresholds(MmapThreshold, TrimThreshold);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Tuned = false;   // not glibc (e.g. musl): its allocator keeps its own policy
        }
        return Tuned;
    }

    /// <summary>Sets glibc's mmap and trim thresholds (fixed, no longer moving); true where glibc accepted both.</summary>
    internal static bool SetThresholds(int mmapThreshold, int trimThreshold) =>
        Mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && Mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);
}
