using Distill.Models.Detection;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

public class BoxCoderTests
{
    public BoxCoderTests() => TorchRuntime.Initialize(seed: 2, quiet: true);

    [Fact]
    public void EncodesWithFasterRcnnWeights()
    {
        var coder = new BoxCoder(10, 10, 5, 5);
        // Reference centre (5, 5), size 10 x 10; target centre (7, 14), size 10 x 20.
        var deltas = coder.Encode(tensor(new float[] { 2, 4, 12, 24 }).view(1, 4), tensor(new float[] { 0, 0, 10, 10 }).view(1, 4));
        var d = deltas.data<float>().ToArray();
        Assert.Equal(2.0, d[0], 5);            // 10 * 2 / 10
        Assert.Equal(9.0, d[1], 5);            // 10 * 9 / 10
        Assert.Equal(0.0, d[2], 5);            // 5 * log(1)
        Assert.Equal(5 * Math.Log(2), d[3], 5); // 5 * log(20 / 10)
    }

    [Fact]
    public void DecodeInvertsEncode()
    {
        var coder = new BoxCoder(10, 10, 5, 5);
        var xy = rand(50, 2) * 100;
        var reference = cat([xy, xy + 1 + rand(50, 2) * 60], 1);
        var xy2 = rand(50, 2) * 100;
        var target = cat([xy2, xy2 + 1 + rand(50, 2) * 60], 1);
        var decoded = coder.Decode(coder.Encode(target, reference), reference);
        Assert.True(allclose(decoded, target, rtol: 1e-4, atol: 1e-3));
    }

    [Fact]
    public void DecodesSeveralPredictionsPerReferenceAndClampsSize()
    {
        var coder = new BoxCoder();
        var reference = tensor(new float[] { 0, 0, 10, 10 }).view(1, 4);
        // Two predictions: identity, and a huge log-size delta that must be clamped at log(1000/16).
        var deltas = tensor(new float[] { 0, 0, 0, 0, 0, 0, 50, 0 }).view(1, 8);
        var boxes = coder.Decode(deltas, reference).data<float>().ToArray();
        Assert.Equal([0f, 0, 10, 10], boxes[..4]);
        double w = 10 * 1000.0 / 16;
        Assert.Equal(5 - w / 2, boxes[4], 2);
        Assert.Equal(5 + w / 2, boxes[6], 2);
    }
}
