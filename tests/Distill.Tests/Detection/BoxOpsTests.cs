using Distill.Models.Detection;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

public class BoxOpsTests
{
    public BoxOpsTests() => TorchRuntime.Initialize(seed: 1, quiet: true);

    static Tensor Boxes(params float[] xs) => tensor(xs).view(-1, 4);

    [Fact]
    public void IouMatrixMatchesHandValues()
    {
        var a = Boxes(0, 0, 10, 10, 0, 0, 4, 4);
        var b = Boxes(5, 5, 15, 15, 0, 0, 10, 10, 20, 20, 30, 30, 2, 0, 6, 4);
        var iou = BoxOps.Iou(a, b).data<float>().ToArray();
        // (0,0,10,10) vs (5,5,15,15): 25 / (100 + 100 - 25) = 1/7; itself: 1; disjoint: 0; vs (2,0,6,4): 16/100.
        // (0,0,4,4) vs (5,5,15,15): 0; vs (0,0,10,10): 16/100; disjoint: 0; vs (2,0,6,4): 8 / (16 + 16 - 8) = 1/3.
        double[] expected = [1 / 7.0, 1, 0, 0.16, 0, 0.16, 0, 1 / 3.0];
        Assert.Equal(2 * 4, iou.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], iou[i], 5);
    }

    [Fact]
    public void DegenerateBoxesHaveZeroIou()
    {
        var iou = BoxOps.Iou(Boxes(3, 3, 3, 3), Boxes(3, 3, 3, 3)).item<float>();
        Assert.Equal(0f, iou);
    }

    [Fact]
    public void AreaClipAndKeepLarge()
    {
        var boxes = Boxes(-5, 2, 8, 30, 1, 1, 1.5f, 9, 10, 10, 20, 12);
        Assert.Equal([364f, 4f, 20f], BoxOps.Area(boxes).data<float>().ToArray());
        var clipped = BoxOps.Clip(boxes, height: 20, width: 16);
        Assert.Equal([0f, 2, 8, 20, 1, 1, 1.5f, 9, 10, 10, 16, 12], clipped.data<float>().ToArray());
        Assert.Equal([0L, 2L], BoxOps.KeepLarge(boxes, 2).data<long>().ToArray());
    }
}
