using Distill.Data.Video;
using Distill.Runtime;

namespace Distill.Tests.Video;

/// <summary>Sampled clips of each stream come back as [T, C, H, W] with the right content.</summary>
public sealed class CompressedClipTests : IClassFixture<SyntheticVideoFixture>
{
    readonly SyntheticVideoFixture video;

    public CompressedClipTests(SyntheticVideoFixture video)
    {
        this.video = video;
        TorchRuntime.Initialize(seed: 0, quiet: true);
    }

    [Fact]
    public void ClipsHoldTheSampledFramesOfEachStream()
    {
        var index = GopReader.Index(video.Path);
        int[] frames = SegmentSampler.Test(index.FrameCount, 3, CompressedStream.MotionVector);
        Assert.Equal([5, 12, 19], frames);
        using var mv = CompressedClip.Load(index, frames, CompressedStream.MotionVector, accumulate: true);
        Assert.Equal([3L, 2, 96, 160], mv.shape);
        // Frame 12 is an I-frame: CoViAR reads frame 11 (GOP 0, position 11) in its place.
        var expected = new[] { 5, 11, 7 };
        for (int t = 0; t < 3; t++)
        {
            var (px, py) = SyntheticVideo.PatchAt(frames[t] == 12 ? 11 : frames[t]);
            using var centre = mv[t, .., py + 16, px + 16];
            Assert.Equal(new[] { 4f * expected[t], -2f * expected[t] }, centre.data<float>().ToArray());
        }
        using var iframes = CompressedClip.Load(index, frames, CompressedStream.IFrame, accumulate: false);
        Assert.Equal([3L, 3, 96, 160], iframes.shape);
        var decoded = ResidualTests.DecodeAll(video.Path);
        Assert.Equal((float)decoded[12][0], iframes[2, 0, 0, 0].item<float>());
        using var residual = CompressedClip.Load(index, [3], CompressedStream.Residual, accumulate: false);
        Assert.Equal([1L, 3, 96, 160], residual.shape);
    }
}
