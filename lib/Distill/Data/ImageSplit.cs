namespace Distill.Data;

/// <summary>
/// One split of an image data set in host memory: uint8 pixels laid out [N, C, H, W] plus int64 labels.
/// Pixels are held in shards (each a whole number of images, at most ~2 GB) because a full split can exceed the
/// largest .NET array (ImageNet 64x64 train is 15.7 GB); small splits have one shard.
/// </summary>
public sealed class ImageSplit
{
    public ImageSplit(IReadOnlyList<byte[]> shards, long[] labels, int channels, int height, int width, long[]? coarseLabels = null)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"Image shape must be positive, got {channels}x{height}x{width}.");
        ImageBytes = checked(channels * height * width);
        long total = 0;
        foreach (var shard in shards)
        {
            if (shard.Length % ImageBytes != 0)
                throw new ArgumentException($"A shard of {shard.Length} bytes is not a whole number of {ImageBytes}-byte images.");
            total += shard.Length / ImageBytes;
        }
        if (total != labels.Length)
            throw new ArgumentException($"{total} images but {labels.Length} labels.");
        if (coarseLabels is not null && coarseLabels.Length != labels.Length)
            throw new ArgumentException($"{labels.Length} labels but {coarseLabels.Length} coarse labels.");
        Shards = shards.Where(s => s.Length > 0).ToArray();
        Labels = labels;
        CoarseLabels = coarseLabels;
        Channels = channels;
        Height = height;
        Width = width;
        shardStarts = new int[Shards.Count + 1];
        for (int s = 0; s < Shards.Count; s++) shardStarts[s + 1] = shardStarts[s] + Shards[s].Length / ImageBytes;
    }

    /// <summary>A split held in one pixel array of length N*C*H*W.</summary>
    public ImageSplit(byte[] pixels, long[] labels, int channels, int height, int width, long[]? coarseLabels = null)
        : this([pixels], labels, channels, height, width, coarseLabels) { }

    readonly int[] shardStarts;

    /// <summary>Non-empty pixel arrays, each a whole number of images, in image order.</summary>
    public IReadOnlyList<byte[]> Shards { get; }

    /// <summary>Class index of every image, 0-based.</summary>
    public long[] Labels { get; }

    /// <summary>CIFAR-100's 20 superclass labels; null for other data sets.</summary>
    public long[]? CoarseLabels { get; }

    public int Count => Labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Bytes of one image, C*H*W.</summary>
    public int ImageBytes { get; }

    /// <summary>The C*H*W pixels of image <paramref name="index"/>, planes in channel order.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"Image {index} of {Count}.");
        int shard = Array.BinarySearch(shardStarts, index);
        if (shard < 0) shard = ~shard - 1;
        return Shards[shard].AsSpan((index - shardStarts[shard]) * ImageBytes, ImageBytes);
    }

    /// <summary>The pixels of images [start, start+count) as consecutive pieces of the shards, without copying.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Pixels(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Images [{start}, {start + count}) of {Count}.");
        for (int s = 0; s < Shards.Count && count > 0; s++)
        {
            int first = Math.Max(start, shardStarts[s]), end = Math.Min(start + count, shardStarts[s + 1]);
            if (first < end)
                yield return Shards[s].AsMemory((first - shardStarts[s]) * ImageBytes, (end - first) * ImageBytes);
        }
    }

    /// <summary>The first <paramref name="count"/> images (all when larger), for small smoke-profile runs.</summary>
    public ImageSplit Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        var pixels = new byte[(long)count * ImageBytes];
        for (int i = 0; i < count; i++) Image(i).CopyTo(pixels.AsSpan(i * ImageBytes));
        return new ImageSplit(pixels, Labels[..count], Channels, Height, Width, CoarseLabels?[..count]);
    }

    /// <summary>Number of images of each class 0..numClasses-1.</summary>
    public int[] ClassCounts(int numClasses)
    {
        var counts = new int[numClasses];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }
}

/// <summary>An image classification data set as the readers return it: a name, class names and two splits.</summary>
/// <param name="Name">Catalog name: "cifar10", "cifar100", "fashion-mnist", "imagenet64".</param>
/// <param name="ClassNames">Names of the (fine) classes, index = label.</param>
/// <param name="CoarseClassNames">CIFAR-100's 20 superclass names; null elsewhere.</param>
public sealed record ImageDataset(string Name, IReadOnlyList<string> ClassNames, ImageSplit Train, ImageSplit Test,
    IReadOnlyList<string>? CoarseClassNames = null)
{
    public int NumClasses => ClassNames.Count;
}
