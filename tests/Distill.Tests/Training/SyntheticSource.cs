using Distill.Data;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// An in-memory, learnable classification set for training tests: 1 x 8 x 8 noise images whose label is the
/// quadrant with the largest mean. Epoch order is a seeded permutation of (seed, epoch), as the contract asks.
/// </summary>
sealed class SyntheticSource : IBatchSource
{
    readonly Tensor images, labels;
    readonly int seed;
    readonly bool dropLast;

    public SyntheticSource(int count, int batchSize, int seed, bool dropLast = false)
    {
        Count = count;
        BatchSize = batchSize;
        this.seed = seed;
        this.dropLast = dropLast;
        using var g = new Generator((ulong)seed);
        var x = randn([count, 1, 8, 8], generator: g);
        using var quadrants = x.reshape(count, 2, 4, 2, 4).mean([2, 4]).reshape(count, 4);
        labels = quadrants.argmax(1);
        images = x;
    }

    public int Count { get; }
    public int BatchSize { get; }
    public int BatchesPerEpoch => dropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;
    public int NumClasses => 4;
    public (int Channels, int Height, int Width) Shape => (1, 8, 8);

    public IEnumerable<Batch> Epoch(int epoch)
    {
        using var g = new Generator((ulong)(seed * 1000 + epoch));
        var order = randperm(Count, generator: g);
        var device = TorchRuntime.Current.Device;
        for (int start = 0; start < BatchesPerEpoch * BatchSize && start < Count; start += BatchSize)
        {
            using var idx = order.narrow(0, start, Math.Min(BatchSize, Count - start));
            yield return new Batch(images.index_select(0, idx).to(device), labels.index_select(0, idx).to(device));
        }
        order.Dispose();
    }
}
