using System.Diagnostics;
using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>
/// The fused native pass GopReader uses (RGB + field + residual in one call) gives exactly what the step-by-step
/// operations give, including blocks whose source lies partly outside the frame (a scrolling test pattern).
/// </summary>
public sealed class FusedStreamsTests(SyntheticVideoFixture video) : IClassFixture<SyntheticVideoFixture>
{
    [Fact]
    public void FusedPassMatchesRasterisePredictResidualOnTheMovingPatch() => AssertFusedMatchesSteps(video.Path, expectOutside: false);

    [Fact]
    public void FusedPassMatchesRasterisePredictResidualWhereSourcesLeaveTheFrame() =>
        AssertFusedMatchesSteps(Encode("scroll.avi", "testsrc2=size=128x96:rate=25:duration=1 -vf scroll=horizontal=0.03:vertical=0.02 -c:v mpeg4 -q:v 1"), expectOutside: true);

    /// <summary>CoViAR's width, 340 = 21 macroblocks + 4 pixels: the last cell of every row is partial.</summary>
    [Fact]
    public void FusedPassMatchesTheStepsWhenTheWidthIsNotAWholeNumberOfBlocks() =>
        AssertFusedMatchesSteps(Encode("scroll-340.avi", "testsrc2=size=340x48:rate=25:duration=1 -vf scroll=horizontal=0.01 -c:v mpeg4 -q:v 1"), expectOutside: true);

    /// <summary>H.264's 4x4 to 16x16 partitions put the block grid on 4-pixel cells; an odd width leaves a 2-pixel cell.</summary>
    [Fact]
    public void FusedPassMatchesTheStepsOnH264PartitionsAndAnOddWidth() =>
        AssertFusedMatchesSteps(Encode("scroll-h264.mkv", "testsrc2=size=202x98:rate=25:duration=1 -vf scroll=horizontal=0.02:vertical=0.01 -c:v libx264 -pix_fmt yuv420p"), expectOutside: false);

    /// <summary>4:4:4 frames are not the shim's own converter's: they go through swscale, whole, into a padded image.</summary>
    [Fact]
    public void FusedPassMatchesTheStepsOnA444VideoConvertedBySwscale() =>
        AssertFusedMatchesSteps(Encode("scroll-444.mkv", "testsrc2=size=202x98:rate=25:duration=1 -vf scroll=horizontal=0.02 -c:v libx264 -pix_fmt yuv444p"), expectOutside: false);

    string Encode(string name, string filterAndCodec)
    {
        var path = Path.Combine(video.Folder, name);
        var psi = new ProcessStartInfo("ffmpeg", $"-v error -y -f lavfi -i {filterAndCodec} -g 12 -bf 0 \"{path}\"")
        { RedirectStandardError = true, UseShellExecute = false };
        using var ffmpeg = Process.Start(psi)!;
        var error = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        Assert.True(ffmpeg.ExitCode == 0, error);
        return path;
    }

    [Fact]
    public void StreamingYieldsOnlyWantedGopsAndMatchesTheKeptGops()
    {
        var kept = GopReader.Read(video.Path, accumulate: true).ToList();
        var seen = new List<(int Frame, int Gop, int Position)>();
        foreach (var f in CompressedFrames.Read(video.Path, accumulate: true, wantedGop: g => g == 1))
        {
            seen.Add((f.FrameIndex, f.Gop, f.GopPosition));
            Assert.Equal(kept[1].IFrame, f.IFrame);
            if (f.GopPosition == 0) continue;
            var p = kept[1].PFrames[f.GopPosition - 1];
            Assert.Equal(p.MotionVectors, f.MotionVectors);
            Assert.Equal(p.Residual, f.Residual);
            Assert.Equal(p.AccumulatedMotionVectors, f.AccumulatedMotionVectors);
            Assert.Equal(p.AccumulatedResidual, f.AccumulatedResidual);
        }
        Assert.Equal(Enumerable.Range(12, 12).Select(t => (t, 1, t - 12)), seen);
    }

    /// <summary>Segment sampling's read: only the sampled frames come out, with the streams a full read gives them.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SampledReadYieldsExactlyTheSampledFramesWithTheFullReadsStreams(bool accumulate)
    {
        var kept = GopReader.Read(video.Path, accumulate).ToList();
        (int Gop, int Position)[] sampled = [(0, 3), (0, 5), (1, 0), (1, 7)];
        var seen = new List<(int Gop, int Position)>();
        foreach (var f in CompressedFrames.Read(video.Path, sampled.ToHashSet(), accumulate))
        {
            seen.Add((f.Gop, f.GopPosition));
            Assert.Equal(kept[f.Gop].FirstFrame + f.GopPosition, f.FrameIndex);
            Assert.Equal(kept[f.Gop].IFrame, f.IFrame);
            if (f.GopPosition == 0) continue;
            var p = kept[f.Gop].PFrames[f.GopPosition - 1];
            Assert.Equal(p.MotionVectors, f.MotionVectors);
            Assert.Equal(p.Residual, f.Residual);
            Assert.Equal(p.AccumulatedMotionVectors, f.AccumulatedMotionVectors);
            Assert.Equal(p.AccumulatedResidual, f.AccumulatedResidual);
        }
        Assert.Equal(sampled, seen);
    }

    static void AssertFusedMatchesSteps(string path, bool expectOutside)
    {
        using var reader = new CompressedVideoReader(path);
        byte[]? previous = null;
        int pFrames = 0, outside = 0;
        while (reader.Next())
        {
            var info = reader.Current;
            int w = info.Width, h = info.Height;
            var rgb = new byte[w * h * 3];
            if (info.Type == PictureType.I || previous is null)
            {
                reader.ReadRgb(rgb);
                previous = rgb;
                continue;
            }
            var vectors = reader.ReadVectors();
            outside += vectors.Count(v => v.SrcX - v.BlockWidth / 2 < 0 || v.SrcX + v.BlockWidth / 2 > w
                                          || v.SrcY - v.BlockHeight / 2 < 0 || v.SrcY + v.BlockHeight / 2 > h);
            var field = new short[w * h * 2];
            var residual = new short[w * h * 3];
            reader.ReadPStreams(previous, rgb, field, residual);

            var expectedRgb = new byte[rgb.Length];
            reader.ReadRgb(expectedRgb);
            var expectedField = MotionField.Rasterise(vectors, w, h);
            var expectedResidual = MotionField.Residual(expectedRgb, MotionField.Predict(previous, expectedField, w, h));
            Assert.Equal(expectedRgb, rgb);
            Assert.Equal(expectedField, field);
            Assert.Equal(expectedResidual, residual);
            Assert.Equal(expectedResidual, MotionField.PredictResidual(previous, field, rgb, w, h));
            previous = rgb;
            pFrames++;
        }
        Assert.True(pFrames >= 20, $"{pFrames} P-frames checked");
        if (expectOutside) Assert.True(outside > 0, "no block's source left the frame; the clamped path went untested");
    }
}
