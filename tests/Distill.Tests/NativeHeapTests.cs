using System.Runtime.InteropServices;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests;

public class NativeHeapTests
{
    public NativeHeapTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void TheRuntimeTunesGlibcMalloc()
    {
        Assert.True(OperatingSystem.IsLinux());   // CI and every supported machine
        Assert.True(TorchRuntime.Current.HeapTuned);
        Assert.True(NativeHeap.Tuned);
    }

    /// <summary>
    /// ResNet-8 training steps (B = 64, 32x32) on a thread of their own, as the notebook kernel runs a cell: in the steady
    /// state the step's activations come from memory the heap kept, so a step costs a small fraction of the page faults
    /// it costs with glibc's own thresholds (mmap above 128 KiB, trim above 128 KiB) set back for comparison.
    /// </summary>
    [Fact]
    public void TrainingStepsReuseFreedActivationMemory()
    {
        long untuned, tuned;
        try
        {
            Assert.True(NativeHeap.SetThresholds(128 << 10, 128 << 10));
            untuned = FaultsPerStep();
        }
        finally
        {
            Assert.True(NativeHeap.Tune());
        }
        tuned = FaultsPerStep();
        Assert.True(tuned * 4 < untuned, $"minor page faults per step: {tuned} tuned, {untuned} with glibc's thresholds");
    }

    static long FaultsPerStep()
    {
        long result = 0;
        var thread = new Thread(() =>
        {
            using var model = ModelZoo.Create(new ModelSpec("resnet8", NumClasses: 10));
            using var x = randn(64, 3, 32, 32);
            using var y = randint(10, [64]);
            void Step()
            {
                using var scope = NewDisposeScope();
                model.zero_grad(set_to_none: true);
                nn.functional.cross_entropy(model.call(x).Logits, y).backward();
            }
            for (int i = 0; i < 3; i++) Step();
            long before = MinorFaults();
            for (int i = 0; i < 5; i++) Step();
            result = (MinorFaults() - before) / 5;
        });
        thread.Start();
        thread.Join();
        return result;
    }

    static long MinorFaults()
    {
        Assert.Equal(0, getrusage(0 /* RUSAGE_SELF */, out var usage));
        return usage.MinorFaults;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct RUsage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        public long MaxRss, IxRss, IdRss, IsRss, MinorFaults, MajorFaults, Swaps, InBlock, OutBlock, MsgSnd, MsgRcv, Signals, NvCsw, NivCsw;
    }

    [DllImport("libc.so.6")]
    static extern int getrusage(int who, out RUsage usage);
}
