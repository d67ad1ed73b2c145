using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>
/// The fused predict-residual (vectorised: plain loads where 8 pixels share a vector, gathers elsewhere, a run loop at
/// the edges) equals dv_predict then dv_residual on random fields: runs of shared vectors mixed with per-pixel ones,
/// sources far outside the frame and onto its last pixel, widths around the 8-pixel step.
/// </summary>
public sealed class PredictResidualTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(9, 5)]
    [InlineData(10, 4)]
    [InlineData(17, 9)]
    [InlineData(340, 32)]
    public void FusedPredictResidualEqualsPredictThenResidual(int w, int h)
    {
        var random = new Random(w * 1000 + h);
        for (int trial = 0; trial < 20; trial++)
        {
            var reference = new byte[w * h * 3];
            var current = new byte[w * h * 3];
            random.NextBytes(reference);
            random.NextBytes(current);
            var field = new short[w * h * 2];
            for (int p = 0; p < w * h;)
            {
                int run = random.Next(1, 24);
                // Small vectors (mostly inside), large ones (clamped), and ones onto the last pixel (bottom-right corner).
                int kind = random.Next(3);
                short dx = (short)(kind == 0 ? random.Next(-3, 4) : kind == 1 ? random.Next(-40, 41) : -(w + 5));
                short dy = (short)(kind == 0 ? random.Next(-2, 3) : kind == 1 ? random.Next(-40, 41) : -(h + 5));
                for (int i = 0; i < run && p < w * h; i++, p++)
                {
                    field[2 * p] = dx;
                    field[2 * p + 1] = dy;
                }
            }
            var expected = MotionField.Residual(current, MotionField.Predict(reference, field, w, h));
            Assert.Equal(expected, MotionField.PredictResidual(reference, field, current, w, h));
        }
    }
}
