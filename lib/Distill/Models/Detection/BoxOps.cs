using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// Box arithmetic shared by every detection part. Boxes are float [N, 4] in continuous image coordinates
/// (x1, y1, x2, y2) with x2 &gt;= x1: a box covering pixel columns 0..9 is (0, 0, 10, ...), so area has no "+1".
/// </summary>
public static class BoxOps
{
    /// <summary>Area of each box, [N].</summary>
    public static Tensor Area(Tensor boxes) =>
        (boxes[.., 2] - boxes[.., 0]) * (boxes[.., 3] - boxes[.., 1]);

    /// <summary>Intersection over union of every pair, [N, M] for boxes a [N, 4] and b [M, 4]. Empty pairs give 0.</summary>
    public static Tensor Iou(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var areaA = Area(a);
        var areaB = Area(b);
        var topLeft = maximum(a[.., TensorIndex.None, 0..2], b[TensorIndex.None, .., 0..2]);
        var bottomRight = minimum(a[.., TensorIndex.None, 2..4], b[TensorIndex.None, .., 2..4]);
        var wh = (bottomRight - topLeft).ClampMin(0);
        var inter = wh[.., .., 0] * wh[.., .., 1];
        var union = areaA[.., TensorIndex.None].Plus(areaB[TensorIndex.None, ..]) - inter;
        return where(union.Above(0), inter / union.ClampMin(1e-12), zeros_like(inter)).MoveToOuterDisposeScope();
    }

    /// <summary>Boxes clipped to an image of <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
    public static Tensor Clip(Tensor boxes, int height, int width)
    {
        using var scope = NewDisposeScope();
        var x = boxes[.., TensorIndex.Slice(0, null, 2)].Clamp(0, width);
        var y = boxes[.., TensorIndex.Slice(1, null, 2)].Clamp(0, height);
        return stack([x[.., 0], y[.., 0], x[.., 1], y[.., 1]], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Indices [K] (int64) of the boxes whose width and height are both at least <paramref name="minSize"/>.</summary>
    public static Tensor KeepLarge(Tensor boxes, double minSize)
    {
        using var scope = NewDisposeScope();
        var w = boxes[.., 2] - boxes[.., 0];
        var h = boxes[.., 3] - boxes[.., 1];
        return nonzero(w.AtLeast(minSize) & h.AtLeast(minSize)).view(-1).MoveToOuterDisposeScope();
    }
}
