using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>Residuals are the decoded frame minus the motion-compensated prediction, exactly.</summary>
public sealed class ResidualTests(SyntheticVideoFixture video) : IClassFixture<SyntheticVideoFixture>
{
    [Fact]
    public void PredictionPlusResidualIsTheDecodedFrame()
    {
        var decoded = DecodeAll(video.Path);
        var gops = GopReader.Read(video.Path, accumulate: true).ToList();
        Assert.Equal(2, gops.Count);
        foreach (var gop in gops)
        {
            Assert.Equal(decoded[gop.FirstFrame], gop.IFrame);
            foreach (var p in gop.PFrames)
            {
                var frame = decoded[p.FrameIndex];
                var prediction = MotionField.Predict(decoded[p.FrameIndex - 1], p.MotionVectors, gop.Width, gop.Height);
                AssertSum(prediction, p.Residual, frame);
                var fromIFrame = MotionField.Predict(gop.IFrame, p.AccumulatedMotionVectors!, gop.Width, gop.Height);
                AssertSum(fromIFrame, p.AccumulatedResidual!, frame);
            }
        }
    }

    [Fact]
    public void MotionCompensationExplainsMostOfTheChange()
    {
        var decoded = DecodeAll(video.Path);
        foreach (var p in GopReader.Read(video.Path).SelectMany(g => g.PFrames))
        {
            var (px, py) = SyntheticVideo.PatchAt(p.FrameIndex);
            double residual = 0, difference = 0;
            // The patch's interior: its edge blocks straddle the static background and carry mixed motion.
            for (int y = py + 8; y < py + 24; y++)
                for (int x = px + 8; x < px + 24; x++)
                    for (int c = 0; c < 3; c++)
                    {
                        int i = (y * SyntheticVideo.Width + x) * 3 + c;
                        residual += Math.Abs(p.Residual[i]);
                        difference += Math.Abs(decoded[p.FrameIndex][i] - decoded[p.FrameIndex - 1][i]);
                    }
            Assert.True(residual < 0.1 * difference, $"frame {p.FrameIndex}: |residual| {residual} vs |frame difference| {difference}");
        }
    }

    static void AssertSum(byte[] prediction, short[] residual, byte[] expected)
    {
        Assert.Equal(expected.Length, residual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (prediction[i] + residual[i] != expected[i])
                Assert.Fail($"byte {i}: prediction {prediction[i]} + residual {residual[i]} != decoded {expected[i]}");
    }

    internal static List<byte[]> DecodeAll(string path)
    {
        var frames = new List<byte[]>();
        using var reader = new CompressedVideoReader(path);
        while (reader.Next())
        {
            var rgb = new byte[reader.Current.Width * reader.Current.Height * 3];
            reader.ReadRgb(rgb);
            frames.Add(rgb);
        }
        return frames;
    }
}
