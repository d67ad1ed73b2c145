using Distill.Data.Video;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Video;

/// <summary>
/// The packed CoViAR batches: shapes, labels, determinism, the three streams in their channels, one flip for all
/// streams with the vectors' x negated, and damaged files skipped and counted.
/// </summary>
public sealed class VideoBatchSourceTests(SyntheticVideoFixture video) : IClassFixture<SyntheticVideoFixture>
{
    const int Size = 32;

    static VideoBatchSource Source(IEnumerable<ActionVideo> videos, bool train, int segments = 2) =>
        new(videos, numClasses: 3, new VideoLoaderOptions(BatchSize: 2, segments, Size, train, Seed: 5));

    ActionVideo[] ThreeCopies() => [new(video.Path, 0), new(video.Path, 2), new(video.Path, 1)];

    [Fact]
    public void BatchesPackSegmentsOfEightChannelsWithLabelsInOrder()
    {
        TorchRuntime.Initialize(seed: 1, quiet: true);
        var source = Source(ThreeCopies(), train: false, segments: 3);
        Assert.Equal((24, Size, Size), source.Shape);
        var batches = source.Epoch(0).ToList();
        Assert.Equal([2, 1], batches.Select(b => (int)b.Labels.shape[0]));
        Assert.Equal([2L, 24, Size, Size], batches[0].Images.shape);
        Assert.Equal([0L, 2, 1], batches.SelectMany(b => b.Labels.data<long>().ToArray()));
        var again = source.Epoch(0).First();
        Assert.True(again.Images.allclose(batches[0].Images, rtol: 0, atol: 0));
    }

    [Fact]
    public void ChannelsHoldTheIFrameVectorsAndResidualOfEachSegment()
    {
        TorchRuntime.Initialize(seed: 1, quiet: true);
        var source = Source([new(video.Path, 0)], train: false, segments: 2);
        var index = source.Videos[0].Index;
        var frames = SegmentSampler.Test(index.FrameCount, 2, CompressedStream.MotionVector);
        using var streams = SegmentStreams.Load(index, frames, accumulate: true);
        using var packed = source.Example(index, new Random(0)).view(2, 8, Size, Size);
        foreach (var stream in StreamLayout.Streams)
        {
            var (offset, count) = StreamLayout.Slice(stream);
            using var resized = StreamAugment.Test(streams[stream], stream, 37, Size);
            // Vectors are measured in pixels of a 224-pixel input before normalising: 7 times the 32-pixel ones.
            using var measured = stream == CompressedStream.MotionVector ? resized * (224f / Size) : resized.alias();
            using var expected = StreamAugment.Normalise(measured, stream);
            Assert.True(packed.narrow(1, offset, count).allclose(expected), $"{stream} channels");
        }
        // The patch moves right by 4 pixels per frame: the accumulated x component inside it is positive.
        Assert.True(streams.MotionVectors[.., 0].max().item<float>() > 0);
    }

    [Fact]
    public void OneFlipMirrorsEveryStreamAndNegatesOnlyTheVectorsX()
    {
        TorchRuntime.Initialize(seed: 1, quiet: true);
        var source = Source([new(video.Path, 0)], train: true, segments: 2);
        var index = source.Videos[0].Index;
        using var streams = SegmentStreams.Load(index, [7, 15], accumulate: true);
        var crop = new StreamCrop(0, 16, 84, 84, Flip: false);
        using var plain = source.Transform(streams, crop).view(2, 8, Size, Size);
        using var flipped = source.Transform(streams, crop with { Flip = true }).view(2, 8, Size, Size);
        using var mirrored = plain.flip(3);
        // I-frame (0-2), vector y (4) and residual (5-7) are mirrored images of the unflipped ones.
        foreach (var channel in new[] { 0, 1, 2, 4, 5, 6, 7 })
            Assert.True(flipped.select(1, channel).allclose(mirrored.select(1, channel), atol: 1e-6), $"channel {channel}");
        // Vector x: normalised as (128 + 6.375 x) / 255 - 0.5, so -x maps to 2 (128/255 - 0.5) minus the value, up to one
        // level where the clip to 0..255 (asymmetric about 128) cuts a long vector.
        float zero = 128f / 255 - 0.5f;
        Assert.True(flipped.select(1, 3).allclose(2 * zero - mirrored.select(1, 3), rtol: 0, atol: 1 / 255.0 + 1e-5));
        Assert.True(plain.select(1, 3).sub(zero).abs().max().item<float>() > 0.01, "the crop holds moving pixels");
    }

    [Fact]
    public void WithoutMirrorTrainingDrawsTheSameCropsButNeverFlips()
    {
        TorchRuntime.Initialize(seed: 1, quiet: true);
        var options = new VideoLoaderOptions(BatchSize: 1, Segments: 2, Size, Train: true, Seed: 5);
        var mirrored = new VideoBatchSource([new(video.Path, 0)], numClasses: 3, options);
        var unmirrored = new VideoBatchSource([new(video.Path, 0)], numClasses: 3, options with { Mirror = false });
        var index = mirrored.Videos[0].Index;
        int flipsDrawn = 0;
        for (int seed = 0; seed < 6; seed++)
        {
            // Example draws the segment frames, then the crop, from its generator: replay the draws.
            var rng = new Random(seed);
            var frames = SegmentSampler.Train(index.FrameCount, 2, CompressedStream.MotionVector, rng);
            var crop = StreamAugment.DrawCrop(index.Height, index.Width, StreamAugment.MotionScales, rng);
            flipsDrawn += crop.Flip ? 1 : 0;
            using var streams = SegmentStreams.Load(index, frames, accumulate: true);
            using var drawn = mirrored.Transform(streams, crop);
            using var unflipped = mirrored.Transform(streams, crop with { Flip = false });
            using var withMirror = mirrored.Example(index, new Random(seed));
            using var withoutMirror = unmirrored.Example(index, new Random(seed));
            Assert.True(withMirror.allclose(drawn, rtol: 0, atol: 0), $"seed {seed}: the mirrored source follows the draw");
            Assert.True(withoutMirror.allclose(unflipped, rtol: 0, atol: 0), $"seed {seed}: the unmirrored source is never flipped");
        }
        Assert.InRange(flipsDrawn, 1, 5);
    }

    [Fact]
    public void TensorsOfTheConsumerAndTheCachedExamplesOutliveEachOthersScopes()
    {
        TorchRuntime.Initialize(seed: 1, quiet: true);
        var source = Source(ThreeCopies(), train: false, segments: 1);
        // A consumer's scope open while the test examples are first decoded (and cached) does not take them.
        using (NewDisposeScope())
            foreach (var b in source.Epoch(0)) b.Dispose();
        using var enumerator = source.Epoch(0).GetEnumerator();
        Assert.True(enumerator.MoveNext());
        using var first = enumerator.Current;
        // Made between two batches without a scope of its own: the source's next batch must not dispose it.
        using var total = first.Images.sum();
        Assert.True(enumerator.MoveNext());
        using var second = enumerator.Current;
        Assert.True(float.IsFinite(total.item<float>()));
        Assert.Equal([1L, 8, Size, Size], second.Images.shape);
    }

    [Fact]
    public void DamagedFilesAreSkippedAndCounted()
    {
        TorchRuntime.Initialize(seed: 1, quiet: true);
        var garbage = Path.Combine(video.Folder, "not-a-video.mp4");
        File.WriteAllText(garbage, "this is not an MPEG-4 file");
        var missing = Path.Combine(video.Folder, "missing.mp4");
        var source = Source([new(video.Path, 0), new(garbage, 1), new(missing, 2)], train: true);
        Assert.Equal(1, source.Count);
        Assert.Equal([garbage, missing], source.Skipped.Select(f => f.Path));
        Assert.Single(source.Epoch(0));
        var none = Assert.Throws<InvalidDataException>(() => Source([new(garbage, 0)], train: true));
        Assert.Contains("not-a-video.mp4", none.Message);
    }
}
