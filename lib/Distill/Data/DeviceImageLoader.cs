using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>
/// A split held whole on the training device as one uint8 tensor [N, C, H, W]; every batch is gathered, augmented
/// (random crop with zero padding, horizontal flip), converted to float and normalised there, in a few vectorised
/// tensor operations for the whole batch. The same code runs on CPU and CUDA. The order and augmentation of epoch e
/// are drawn from a CPU generator seeded from (seed, e), so <see cref="Epoch"/> is a pure function of its argument
/// and identical on every device.
/// </summary>
public sealed class DeviceImageLoader : IBatchSource, IDisposable
{
    readonly Tensor images, labels, scale, shift;

    public DeviceImageLoader(ImageSplit split, int numClasses, LoaderOptions options, Device? device = null)
    {
        if (options.BatchSize <= 0) throw new ArgumentException($"Batch size must be positive, got {options.BatchSize}.");
        if (options.Stats.Channels != split.Channels)
            throw new ArgumentException($"Normalisation has {options.Stats.Channels} channels, the images {split.Channels}.");
        if (options.CropPadding < 0) throw new ArgumentException($"Crop padding must be non-negative, got {options.CropPadding}.");
        if (split.Count == 0) throw new ArgumentException("The split is empty.");
        int outside = Array.FindIndex(split.Labels, l => l < 0 || l >= numClasses);
        if (outside >= 0) throw new ArgumentException($"Label {split.Labels[outside]} of example {outside} is outside 0..{numClasses - 1}.");
        Options = options;
        NumClasses = numClasses;
        Shape = (split.Channels, split.Height, split.Width);
        Device = device ?? Runtime.TorchRuntime.Current.Device;
        using var scope = NewDisposeScope();
        images = empty([split.Count, split.Channels, split.Height, split.Width], ScalarType.Byte, Device);
        long at = 0;
        foreach (var shard in split.Shards)
        {
            long n = shard.Length / split.ImageBytes;
            using var host = frombuffer(shard, ScalarType.Byte).view(n, split.Channels, split.Height, split.Width);
            images.narrow(0, at, n).copy_(host);
            at += n;
        }
        labels = tensor(split.Labels, ScalarType.Int64, Device);
        // (x/255 - mean)/std = x * scale + shift
        var stds = options.Stats.Std;
        scale = tensor(stds.Select(s => (float)(1.0 / (255.0 * s))).ToArray(), ScalarType.Float32, Device).view(1, -1, 1, 1);
        shift = tensor(options.Stats.Mean.Select((m, c) => (float)(-m / stds[c])).ToArray(), ScalarType.Float32, Device).view(1, -1, 1, 1);
        scope.Detach(images, labels, scale, shift);
    }

    public LoaderOptions Options { get; }
    public Device Device { get; }
    public int Count => (int)labels.shape[0];
    public int BatchSize => Options.BatchSize;
    public int NumClasses { get; }
    public (int Channels, int Height, int Width) Shape { get; }

    /// <summary>Batches in one epoch, after drop_last.</summary>
    public int BatchesPerEpoch => Options.DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    public IEnumerable<Batch> Epoch(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), $"Epoch must be non-negative, got {epoch}.");
        return Batches(epoch);
    }

    IEnumerable<Batch> Batches(int epoch)
    {
        var plan = EpochPlan.Draw(Count, Options, epoch, Device);
        try
        {
            for (int b = 0; b < BatchesPerEpoch; b++)
            {
                int start = b * BatchSize, size = Math.Min(BatchSize, Count - start);
                yield return MakeBatch(plan, start, size);
            }
        }
        finally
        {
            plan.Dispose();
        }
    }

    Batch MakeBatch(EpochPlan plan, int start, int size)
    {
        using var scope = NewDisposeScope();
        var index = plan.Order.narrow(0, start, size);
        var x = images.index_select(0, index);
        if (Options.Augments)
            x = BatchAugment.CropAndFlip(x, Options.CropPadding, plan.ShiftY.narrow(0, start, size),
                plan.ShiftX.narrow(0, start, size), plan.Flip.narrow(0, start, size));
        var normalised = x.to_type(ScalarType.Float32).mul_(scale).PlusInPlace(shift);
        var y = labels.index_select(0, index);
        var (outImages, outLabels) = scope.MoveToOuter(normalised, y);
        return new Batch(outImages, outLabels);
    }

    public void Dispose()
    {
        images.Dispose();
        labels.Dispose();
        scale.Dispose();
        shift.Dispose();
    }
}
