using Distill.Models.Detection;
using Distill.Runtime;

namespace Distill.Tests.Detection;

public class AnchorGeneratorTests
{
    public AnchorGeneratorTests() => TorchRuntime.Initialize(seed: 3, quiet: true);

    [Fact]
    public void CountsPositionsAndShapes()
    {
        var generator = new AnchorGenerator([16, 32], [0.5, 1, 2], stride: 8);
        var anchors = generator.Generate(featureHeight: 2, featureWidth: 3);
        Assert.Equal(new long[] { 2 * 3 * 6, 4 }, anchors.shape);
        var a = anchors.data<float>().ToArray();

        // Anchor 0: position (0, 0), centre (4, 4), ratio 0.5, size 16: w = 16 / sqrt(0.5), h = 16 sqrt(0.5).
        double w = 16 / Math.Sqrt(0.5), h = 16 * Math.Sqrt(0.5);
        Assert.Equal(4 - w / 2, a[0], 4);
        Assert.Equal(4 - h / 2, a[1], 4);
        Assert.Equal(4 + w / 2, a[2], 4);
        Assert.Equal(4 + h / 2, a[3], 4);

        // Anchor 31: position (row 1, column 2) = 5th position -> 5 * 6 + 1 = 31, ratio 0.5, size 32; centre (20, 12).
        int i = 31 * 4;
        Assert.Equal(20.0, (a[i] + a[i + 2]) / 2, 4);
        Assert.Equal(12.0, (a[i + 1] + a[i + 3]) / 2, 4);
        Assert.Equal(32 / Math.Sqrt(0.5), a[i + 2] - a[i], 3);

        // Every anchor keeps the area size^2 and ratio h / w.
        for (int k = 0; k < 36; k++)
        {
            double aw = a[4 * k + 2] - a[4 * k], ah = a[4 * k + 3] - a[4 * k + 1];
            double size = new[] { 16.0, 32.0 }[k % 2], ratio = new[] { 0.5, 1, 2 }[k % 6 / 2];
            Assert.Equal(size * size, aw * ah, 2);
            Assert.Equal(ratio, ah / aw, 4);
        }
    }
}
