using Distill.Runtime;
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
            (tx - rx).Times(wx) / rw,
            (ty - ry).Times(wy) / rh,
            log(tw / rw).Times(ww),
            log(th / rh).Times(wh)], 1);
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
        var cx = (d[.., .., 0].DividedBy(wx) * rw[.., TensorIndex.None]).Plus(rx[.., TensorIndex.None]);
        var cy = (d[.., .., 1].DividedBy(wy) * rh[.., TensorIndex.None]).Plus(ry[.., TensorIndex.None]);
        var w = exp(d[.., .., 2].DividedBy(ww).ClampMax(ScaleClamp)) * rw[.., TensorIndex.None];
        var h = exp(d[.., .., 3].DividedBy(wh).ClampMax(ScaleClamp)) * rh[.., TensorIndex.None];
        var (halfW, halfH) = (w.Times(0.5), h.Times(0.5));
        var boxes = stack([cx - halfW, cy - halfH, cx.Plus(halfW), cy.Plus(halfH)], 2);
        return boxes.view(deltas.shape[0], -1).MoveToOuterDisposeScope();
    }

    static (Tensor X, Tensor Y, Tensor W, Tensor H) CentreSize(Tensor boxes)
    {
        var w = boxes[.., 2] - boxes[.., 0];
        var h = boxes[.., 3] - boxes[.., 1];
        return (boxes[.., 0].Plus(w.Times(0.5)), boxes[.., 1].Plus(h.Times(0.5)), w, h);
    }
}
