using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// Faster R-CNN box parameterisation (Ren et al. 2015, eq. 2): for a reference box with centre (xa, ya) and size
/// (wa, ha), the deltas of a target box are (wx (x - xa)/wa, wy (y - ya)/ha, ww log(w/wa), wh log(h/ha)).
/// The weights are (1, 1, 1, 1) for the RPN and (10, 10, 5, 5) for the box head, as in Faster R-CNN.
/// Decoding clamps the log-size deltas at log(1000/16) so an untrained head cannot overflow exp.
/// </summary>
public sealed class BoxCoder(double wx = 1, double wy = 1, double ww = 1, double wh = 1)
{
    public static readonly double ScaleClamp = Math.Log(1000.0 / 16);

    public (double X, double Y, double W, double H) Weights => (wx, wy, ww, wh);

    /// <summary>Deltas [N, 4] that take each <paramref name="reference"/> box [N, 4] onto its <paramref name="target"/> box [N, 4].</summary>
    public Tensor Encode(Tensor target, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var (rx, ry, rw, rh) = CentreSize(reference);
        var (tx, ty, tw, th) = CentreSize(target);
        var deltas = stack([
            wx * (tx - rx) / rw,
            wy * (ty - ry) / rh,
            ww * log(tw / rw),
            wh * log(th / rh)], 1);
        return deltas.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Boxes [N, K*4] from deltas [N, K*4] (K box predictions per reference, e.g. one per class) and references [N, 4].
    /// </summary>
    public Tensor Decode(Tensor deltas, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var (rx, ry, rw, rh) = CentreSize(reference.to_type(deltas.dtype));
        var d = deltas.view(deltas.shape[0], -1, 4);
        var cx = d[.., .., 0] / wx * rw[.., TensorIndex.None] + rx[.., TensorIndex.None];
        var cy = d[.., .., 1] / wy * rh[.., TensorIndex.None] + ry[.., TensorIndex.None];
        var w = exp((d[.., .., 2] / ww).clamp_max(ScaleClamp)) * rw[.., TensorIndex.None];
        var h = exp((d[.., .., 3] / wh).clamp_max(ScaleClamp)) * rh[.., TensorIndex.None];
        var boxes = stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], 2);
        return boxes.view(deltas.shape[0], -1).MoveToOuterDisposeScope();
    }

    static (Tensor X, Tensor Y, Tensor W, Tensor H) CentreSize(Tensor boxes)
    {
        var w = boxes[.., 2] - boxes[.., 0];
        var h = boxes[.., 3] - boxes[.., 1];
        return (boxes[.., 0] + 0.5 * w, boxes[.., 1] + 0.5 * h, w, h);
    }
}
