using Distill.Data;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Data;

/// <summary>
/// The device-resident loader: batch shapes and counts, exact normalisation, seeded determinism, shuffling as a
/// permutation, and that its crops and flips really move and mirror the pixels they claim to.
/// </summary>
public class DeviceImageLoaderTests
{
    const int N = 64, C = 3, Side = 8;

    public DeviceImageLoaderTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    /// <summary>N images whose label is their index, so every batch row can be traced to its source image.</summary>
    static ImageSplit Indexed()
    {
        var split = DataFixtures.Split(N, C, Side, 10);
        var pixels = new byte[N * split.ImageBytes];
        for (int i = 0; i < N; i++) split.Image(i).CopyTo(pixels.AsSpan(i * split.ImageBytes));
        return new ImageSplit(pixels, Enumerable.Range(0, N).Select(i => (long)i).ToArray(), C, Side, Side);
    }

    static DeviceImageLoader Loader(LoaderOptions options) => new(Indexed(), N, options);

    static LoaderOptions Options(int batch = 16, bool shuffle = false, int padding = 0, bool flip = false, bool dropLast = false, int seed = 0) =>
        new(batch, ChannelStats.Identity(C), shuffle, padding, flip, dropLast, seed);

    /// <summary>Every batch of an epoch as (pixel values back in 0..255, labels).</summary>
    static List<(int[] Pixels, long[] Labels)> Collect(DeviceImageLoader loader, int epoch)
    {
        var result = new List<(int[], long[])>();
        foreach (var batch in loader.Epoch(epoch))
            using (batch)
                result.Add((batch.Images.data<float>().ToArray().Select(v => (int)Math.Round(v * 255)).ToArray(), batch.Labels.data<long>().ToArray()));
        return result;
    }

    static (List<int> Pixels, List<long> Labels) Flat(List<(int[] Pixels, long[] Labels)> batches) =>
        (batches.SelectMany(b => b.Pixels).ToList(), batches.SelectMany(b => b.Labels).ToList());

    /// <summary>Image i cropped at offset (dy, dx) of its zero-padded version, optionally mirrored (the kernel's definition).</summary>
    static int[] Expected(int i, int padding, int dy, int dx, bool flip)
    {
        var result = new int[C * Side * Side];
        for (int c = 0; c < C; c++)
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    int sy = y + dy - padding, sx = (flip ? Side - 1 - x : x) + dx - padding;
                    bool inside = sy is >= 0 and < Side && sx is >= 0 and < Side;
                    result[(c * Side + y) * Side + x] = inside ? DataFixtures.Pixel(i, c, sy, sx) : 0;
                }
        return result;
    }

    /// <summary>The (dy, dx, flip) that produced <paramref name="image"/> from source image i, or null when none does.</summary>
    static (int Dy, int Dx, bool Flip)? Explain(ReadOnlySpan<int> image, int i, int padding, bool flips)
    {
        for (int dy = 0; dy <= 2 * padding; dy++)
            for (int dx = 0; dx <= 2 * padding; dx++)
                foreach (var flip in flips ? new[] { false, true } : [false])
                    if (image.SequenceEqual(Expected(i, padding, dy, dx, flip))) return (dy, dx, flip);
        return null;
    }

    static IEnumerable<(int[] Image, long Label)> Examples(List<(int[] Pixels, long[] Labels)> batches)
    {
        int size = C * Side * Side;
        foreach (var (pixels, labels) in batches)
            for (int b = 0; b < labels.Length; b++) yield return (pixels[(b * size)..((b + 1) * size)], labels[b]);
    }

    [Fact]
    public void BatchesHaveTheRightShapesAndCounts()
    {
        using var loader = Loader(Options(batch: 24));
        var sizes = new List<long>();
        foreach (var batch in loader.Epoch(0))
            using (batch)
            {
                Assert.Equal(ScalarType.Float32, batch.Images.dtype);
                Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
                Assert.Equal(new long[] { batch.Labels.shape[0], C, Side, Side }, batch.Images.shape);
                sizes.Add(batch.Labels.shape[0]);
            }
        Assert.Equal(new long[] { 24, 24, 16 }, sizes);
        Assert.Equal(3, loader.BatchesPerEpoch);
        using var dropping = Loader(Options(batch: 24, dropLast: true));
        Assert.Equal(2, dropping.Epoch(0).Count());
        Assert.Equal((C, Side, Side), dropping.Shape);
        Assert.Equal(N, dropping.Count);
    }

    [Fact]
    public void NormalisesEachChannelExactly()
    {
        var stats = new ChannelStats([0.1, 0.5, 0.9], [0.2, 0.25, 0.5]);
        using var loader = new DeviceImageLoader(Indexed(), N, new LoaderOptions(N, stats));
        using var batch = loader.Epoch(0).Single();
        var values = batch.Images.data<float>().ToArray();
        for (int i = 0; i < N; i += 7)
            for (int c = 0; c < C; c++)
                for (int y = 0; y < Side; y += 3)
                    for (int x = 0; x < Side; x += 2)
                    {
                        double expected = (DataFixtures.Pixel(i, c, y, x) / 255.0 - stats.Mean[c]) / stats.Std[c];
                        Assert.Equal(expected, values[((i * C + c) * Side + y) * Side + x], 1e-5);
                    }
    }

    [Fact]
    public void IdentityStatisticsGivePixelsInTheUnitInterval()
    {
        using var loader = Loader(Options(batch: N, padding: 2, flip: true, shuffle: true));
        using var batch = loader.Epoch(0).Single();
        Assert.Equal(0f, batch.Images.min().item<float>());
        Assert.True(batch.Images.max().item<float>() <= 1f);
        Assert.Equal(250 / 255f, batch.Images.max().item<float>(), 6); // Pixel() is a residue mod 251
    }

    [Fact]
    public void WithoutAugmentationBatchesAreTheImagesInOrder()
    {
        using var loader = Loader(Options(batch: 10));
        var examples = Examples(Collect(loader, 0)).ToList();
        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), examples.Select(e => e.Label));
        Assert.All(examples, e => Assert.Equal(Expected((int)e.Label, 0, 0, 0, false), e.Image));
    }

    [Fact]
    public void ShufflingVisitsEveryExampleOnceAndKeepsLabelsWithImages()
    {
        using var loader = Loader(Options(batch: 10, shuffle: true, seed: 3));
        var examples = Examples(Collect(loader, 0)).ToList();
        var labels = examples.Select(e => e.Label).ToArray();
        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), labels.Order());
        Assert.NotEqual(labels.Order(), labels);
        Assert.All(examples, e => Assert.Equal(Expected((int)e.Label, 0, 0, 0, false), e.Image));
    }

    [Fact]
    public void AnEpochIsAPureFunctionOfSeedAndEpoch()
    {
        var options = Options(batch: 16, shuffle: true, padding: 2, flip: true, seed: 11);
        using var first = Loader(options);
        using var second = Loader(options);
        var (pixels, labels) = Flat(Collect(first, 3));
        var (secondPixels, secondLabels) = Flat(Collect(second, 3));
        Assert.Equal(labels, secondLabels);
        Assert.Equal(pixels, secondPixels);
        var (againPixels, againLabels) = Flat(Collect(first, 3)); // asking again gives the same epoch
        Assert.Equal(labels, againLabels);
        Assert.Equal(pixels, againPixels);
        var (nextPixels, nextLabels) = Flat(Collect(first, 4));
        Assert.NotEqual(labels, nextLabels);
        Assert.NotEqual(pixels, nextPixels);
        using var otherSeed = Loader(options with { Seed = 12 });
        Assert.NotEqual(labels, Flat(Collect(otherSeed, 3)).Labels);
    }

    [Fact]
    public void RandomCropsShiftTheImagesWithinThePadding()
    {
        const int padding = 2;
        using var loader = Loader(Options(batch: 16, padding: padding, seed: 5));
        var shifts = Examples(Collect(loader, 0))
            .Select(e => Explain(e.Image, (int)e.Label, padding, flips: false)
                         ?? throw new Xunit.Sdk.XunitException($"example {e.Label} is no {padding}-padded crop of its image"))
            .ToList();
        // 64 offsets drawn uniformly from 5 x 5: most are off-centre, and both axes move.
        Assert.True(shifts.Count(s => s.Dy == padding && s.Dx == padding) < N / 4);
        Assert.Contains(shifts, s => s.Dy != padding);
        Assert.Contains(shifts, s => s.Dx != padding);
        Assert.Equal(5, shifts.Select(s => s.Dx).Distinct().Count());
    }

    [Fact]
    public void FlipsMirrorAboutHalfTheImages()
    {
        using var loader = Loader(Options(batch: 16, flip: true, seed: 7));
        var flips = Examples(Collect(loader, 0))
            .Select(e => Explain(e.Image, (int)e.Label, 0, flips: true)
                         ?? throw new Xunit.Sdk.XunitException($"example {e.Label} is neither its image nor its mirror"))
            .Count(s => s.Flip);
        Assert.InRange(flips, N / 4, 3 * N / 4);
    }

    [Fact]
    public void RejectsInconsistentOptions()
    {
        Assert.Throws<ArgumentException>(() => Loader(Options(batch: 0)));
        Assert.Throws<ArgumentException>(() => Loader(Options(padding: -1)));
        Assert.Throws<ArgumentException>(() => new DeviceImageLoader(Indexed(), N, new LoaderOptions(8, ChannelStats.FashionMnist)));
        var e = Assert.Throws<ArgumentException>(() => new DeviceImageLoader(Indexed(), N - 1, Options()));
        Assert.Equal($"Label {N - 1} of example {N - 1} is outside 0..{N - 2}.", e.Message);
        using var loader = Loader(Options());
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(-1));
    }
}
