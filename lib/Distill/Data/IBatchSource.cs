using static TorchSharp.torch;

namespace Distill.Data;

/// <summary>A mini-batch on the training device: float images [B, C, H, W] and int64 labels [B].</summary>
public sealed record Batch(Tensor Images, Tensor Labels) : IDisposable
{
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Batches of one split. <see cref="Epoch"/> is a pure function of (seed, epoch): the same epoch index always
/// yields the same order and the same augmentation, which is what makes resume-after-kill exact.
/// </summary>
public interface IBatchSource
{
    /// <summary>Number of examples in the split.</summary>
    int Count { get; }

    int BatchSize { get; }

    /// <summary>Batches <see cref="Epoch"/> yields: what a learning-rate schedule counts as one epoch's steps.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Number of classes of the labels.</summary>
    int NumClasses { get; }

    /// <summary>Input shape of one example: channels, height, width.</summary>
    (int Channels, int Height, int Width) Shape { get; }

    /// <summary>The batches of epoch <paramref name="epoch"/> (0-based), deterministic for a given source seed.</summary>
    IEnumerable<Batch> Epoch(int epoch);
}
