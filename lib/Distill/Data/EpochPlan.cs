using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// The random choices of one epoch, drawn up front on the CPU from a generator seeded from (seed, epoch) and moved
/// to the device: the visiting order and, per position in that order, crop offsets and a flip bit.
/// </summary>
sealed class EpochPlan : IDisposable
{
    EpochPlan(Tensor order, Tensor shiftY, Tensor shiftX, Tensor flip)
    {
        Order = order;
        ShiftY = shiftY;
        ShiftX = shiftX;
        Flip = flip;
    }

    /// <summary>[N] int64: index of the example at each position of the epoch.</summary>
    public Tensor Order { get; }

    /// <summary>[N] int64 crop offsets in 0..2*padding, by position.</summary>
    public Tensor ShiftY { get; }

    public Tensor ShiftX { get; }

    /// <summary>[N] bool, by position.</summary>
    public Tensor Flip { get; }

    public static EpochPlan Draw(int count, LoaderOptions options, int epoch, Device device)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(SeedOf(options.Seed, epoch), CPU);
        var order = options.Shuffle ? randperm(count, ScalarType.Int64, generator: generator) : HeldScalars.Range(count);
        int pad = options.CropPadding;
        var shiftY = pad > 0 ? randint(0, 2 * pad + 1, [count], ScalarType.Int64, generator: generator) : zeros(count, ScalarType.Int64);
        var shiftX = pad > 0 ? randint(0, 2 * pad + 1, [count], ScalarType.Int64, generator: generator) : zeros(count, ScalarType.Int64);
        var flip = options.Flip ? randint(0, 2, [count], ScalarType.Int64, generator: generator).to_type(ScalarType.Bool) : zeros(count, ScalarType.Bool);
        var plan = new EpochPlan(order.to(device), shiftY.to(device), shiftX.to(device), flip.to(device));
        scope.Detach(plan.Order, plan.ShiftY, plan.ShiftX, plan.Flip);
        return plan;
    }

    /// <summary>SplitMix64 of (seed, epoch): distinct, well-mixed generator seeds for neighbouring epochs and seeds.</summary>
    public static ulong SeedOf(int seed, int epoch)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)epoch) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public void Dispose()
    {
        Order.Dispose();
        ShiftY.Dispose();
        ShiftX.Dispose();
        Flip.Dispose();
    }
}
