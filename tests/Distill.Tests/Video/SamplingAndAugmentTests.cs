using Distill.Data.Video;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Video;

/// <summary>CoViAR/TSN segment sampling (hand-computed) and stream-aware augmentation.</summary>
public sealed class SamplingAndAugmentTests
{
    static readonly VideoIndex TwoGops = new("v.avi", "mpeg4", 160, 96, 24, [0, 12]);

    public SamplingAndAugmentTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void TestFramesAreSegmentCentresSkippingTheFirstIFrameForMotion()
    {
        // Motion: 23 usable frames, segment size 22/3; centres round(3.67), round(11), round(18.33), plus 1.
        Assert.Equal([5, 12, 19], SegmentSampler.Test(24, 3, CompressedStream.MotionVector));
        // I-frames: segment size 23/3; centres round(3.83), round(11.5) (to even), round(19.17).
        Assert.Equal([4, 12, 19], SegmentSampler.Test(24, 3, CompressedStream.IFrame));
        Assert.Equal(25, SegmentSampler.Test(300, SegmentSampler.TestSegments, CompressedStream.Residual).Distinct().Count());
    }

    [Fact]
    public void TrainFramesFallInsideTheirSegments()
    {
        var rng = new Random(3);
        var seen = new HashSet<int>[3] { [], [], [] };
        for (int k = 0; k < 400; k++)
        {
            var frames = SegmentSampler.Train(24, 3, CompressedStream.Residual, rng);
            for (int s = 0; s < 3; s++) seen[s].Add(frames[s]);
        }
        // Segment bounds over 23 frames, size 22/3: [0,7), [7,15), [15,22), shifted by one.
        Assert.Equal(Enumerable.Range(1, 7), seen[0].Order());
        Assert.Equal(Enumerable.Range(8, 8), seen[1].Order());
        Assert.Equal(Enumerable.Range(16, 7), seen[2].Order());
    }

    [Fact]
    public void LocateMapsIFramesOfMotionStreamsToThePreviousGopsLastPFrame()
    {
        Assert.Equal((0, 11), SegmentSampler.Locate(TwoGops, 12, CompressedStream.MotionVector));
        Assert.Equal((1, 5), SegmentSampler.Locate(TwoGops, 17, CompressedStream.Residual));
        Assert.Equal((1, 0), SegmentSampler.Locate(TwoGops, 17, CompressedStream.IFrame));
        Assert.Throws<ArgumentException>(() => SegmentSampler.Locate(TwoGops, 0, CompressedStream.MotionVector));
    }

    [Fact]
    public void FlipMirrorsAndNegatesOnlyTheXComponentOfMotionVectors()
    {
        using var mv = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [1, 2, 1, 3]);
        using var flipped = StreamAugment.HorizontalFlip(mv, CompressedStream.MotionVector);
        Assert.Equal([-3f, -2f, -1f, 6f, 5f, 4f], flipped.data<float>().ToArray());
        using var rgb = tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [1, 3, 1, 3]);
        using var flippedRgb = StreamAugment.HorizontalFlip(rgb, CompressedStream.Residual);
        Assert.Equal([3f, 2f, 1f, 6f, 5f, 4f, 9f, 8f, 7f], flippedRgb.data<float>().ToArray());
    }

    [Fact]
    public void ResizeScalesVectorsByTheSizeRatiosAndCropKeepsThem()
    {
        using var mv = full([1, 2, 4, 8], 0f);
        mv[0, 0] = tensor(2f);
        mv[0, 1] = tensor(-3f);
        using var resized = StreamAugment.Resize(mv, CompressedStream.MotionVector, 2, 16);
        Assert.Equal([1L, 2, 2, 16], resized.shape);
        Assert.Equal(4f, resized[0, 0].mean().item<float>(), 4);   // width x2
        Assert.Equal(-1.5f, resized[0, 1].mean().item<float>(), 4); // height x0.5
        using var residual = StreamAugment.Resize(mv.expand(1, 2, 4, 8).narrow(1, 0, 1), CompressedStream.Residual, 2, 16);
        Assert.Equal(2f, residual.mean().item<float>(), 4);
        using var cropped = StreamAugment.Crop(mv, 1, 2, 2, 3);
        Assert.Equal([1L, 2, 2, 3], cropped.shape);
        Assert.Equal(2f, cropped[0, 0].mean().item<float>());
    }

    [Fact]
    public void TrainAndTestTransformsGiveSquareCrops()
    {
        using var clip = rand(3, 2, 96, 160);
        using var train = StreamAugment.Train(clip, CompressedStream.MotionVector, 56, new Random(1));
        Assert.Equal([3L, 2, 56, 56], train.shape);
        using var test = StreamAugment.Test(clip, CompressedStream.IFrame, 64, 56);
        Assert.Equal([3L, 2, 56, 56], test.shape);
    }

    [Fact]
    public void VectorsAreMeasuredInPixelsOfCoViarsInput()
    {
        using var vectors = tensor(new float[] { 2, -0.5f }, [1, 2, 1, 1]);
        using var at32 = StreamAugment.ToCoViarScale(vectors, 32);
        Assert.Equal([14f, -3.5f], at32.data<float>().ToArray());
        using var at224 = StreamAugment.ToCoViarScale(vectors, 224);
        Assert.Equal([2f, -0.5f], at224.data<float>().ToArray());
    }

    [Fact]
    public void NormalisationMapsHandPickedValuesOfEachStream()
    {
        // I-frame: (v / 255 - mean) / std per channel.
        Assert.Equal([(1 - 0.485f) / 0.229f, -0.456f / 0.224f, (0.2f - 0.406f) / 0.225f],
            Normalised([255, 0, 51], CompressedStream.IFrame), new FloatTolerance(1e-5f));
        // Vectors: (128 + 6.375 v) / 255 - 0.5, clipped to 0..255 first: v = 20 -> 255.5 -> 255 -> 0.5; v = -4 -> 102.5.
        Assert.Equal([0.5f, 102.5f / 255 - 0.5f], Normalised([20, -4], CompressedStream.MotionVector), new FloatTolerance(1e-6f));
        // Residual: ((r + 128) clipped / 255 - 0.5) / std: r = -200 -> 0, r = 127 -> 255, r = 0 -> 128.
        Assert.Equal([-0.5f / 0.229f, 0.5f / 0.224f, (128f / 255 - 0.5f) / 0.225f],
            Normalised([-200, 127, 0], CompressedStream.Residual), new FloatTolerance(1e-5f));
    }

    /// <summary>One pixel with the given channel values, normalised as <paramref name="stream"/>.</summary>
    static float[] Normalised(float[] channels, CompressedStream stream)
    {
        using var pixel = tensor(channels, [1, channels.Length, 1, 1]);
        using var normalised = StreamAugment.Normalise(pixel, stream);
        return normalised.data<float>().ToArray();
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
