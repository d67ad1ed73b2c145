using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// RoI Align (He et al. 2017, Mask R-CNN), with torchvision's semantics: each RoI is split into
/// outputHeight x outputWidth bins, each bin averages a grid of bilinear samples at the sub-cell centres.
/// <list type="bullet">
/// <item>samplingRatio &gt; 0: that many samples per bin side; &lt;= 0: ceil(roi size / output size) per RoI (adaptive).</item>
/// <item>aligned = true shifts RoI corners by -0.5 pixel so a box's corners fall on pixel edges; aligned = false
/// keeps the legacy behaviour and forces each RoI to at least 1 x 1 feature cell.</item>
/// <item>Samples further than one cell outside the map read 0; samples inside the last cell are clamped to it.</item>
/// </list>
/// Vectorised: RoIs sharing a sampling grid are done in one gather; gradients flow to the feature map.
/// </summary>
public sealed class RoiAlign(int outputHeight, int outputWidth, double spatialScale, int samplingRatio = 2, bool aligned = true)
{
    public int OutputHeight => outputHeight;
    public int OutputWidth => outputWidth;

    /// <summary>
    /// Pooled features [K, C, outputHeight, outputWidth] of <paramref name="rois"/> [K, 5] = (batch index, x1, y1, x2, y2)
    /// in image coordinates, read from <paramref name="features"/> [N, C, H, W].
    /// </summary>
    public Tensor Apply(Tensor features, Tensor rois)
    {
        long k = rois.shape[0], c = features.shape[1];
        if (k == 0) return zeros(0, c, outputHeight, outputWidth, dtype: features.dtype, device: features.device);
        using var scope = NewDisposeScope();
        var geometry = Geometry(rois.detach().to_type(float32));
        if (samplingRatio > 0)
            return Pool(features, geometry, samplingRatio, samplingRatio).MoveToOuterDisposeScope();

        var gridH = ceil(geometry.Height.DividedBy(outputHeight)).ClampMin(1).to_type(int64).cpu().data<long>().ToArray();
        var gridW = ceil(geometry.Width.DividedBy(outputWidth)).ClampMin(1).to_type(int64).cpu().data<long>().ToArray();
        var output = zeros(k, c, outputHeight, outputWidth, dtype: features.dtype, device: features.device);
        foreach (var group in Enumerable.Range(0, (int)k).GroupBy(i => (gridH[i], gridW[i])))
        {
            var index = tensor(group.Select(i => (long)i).ToArray(), device: rois.device);
            var pooled = Pool(features, geometry.Select(index), (int)group.Key.Item1, (int)group.Key.Item2);
            output = output.index_copy(0, index, pooled);
        }
        return output.MoveToOuterDisposeScope();
    }

    sealed record RoiGeometry(Tensor Batch, Tensor X1, Tensor Y1, Tensor Width, Tensor Height)
    {
        public RoiGeometry Select(Tensor index) => new(Batch.index_select(0, index), X1.index_select(0, index),
            Y1.index_select(0, index), Width.index_select(0, index), Height.index_select(0, index));
    }

    RoiGeometry Geometry(Tensor rois)
    {
        double offset = aligned ? 0.5 : 0.0;
        var x1 = rois[.., 1].Times(spatialScale).Minus(offset);
        var y1 = rois[.., 2].Times(spatialScale).Minus(offset);
        var w = rois[.., 3].Times(spatialScale).Minus(offset) - x1;
        var h = rois[.., 4].Times(spatialScale).Minus(offset) - y1;
        if (!aligned)
        {
            w = w.ClampMin(1.0);
            h = h.ClampMin(1.0);
        }
        return new RoiGeometry(rois[.., 0].to_type(int64), x1, y1, w, h);
    }

    Tensor Pool(Tensor features, RoiGeometry roi, int gridH, int gridW)
    {
        long n = features.shape[0], c = features.shape[1], height = features.shape[2], width = features.shape[3];
        long k = roi.Batch.shape[0];
        var (yLow, yHigh, ly, yValid) = Axis(roi.Y1, roi.Height, outputHeight, gridH, height);
        var (xLow, xHigh, lx, xValid) = Axis(roi.X1, roi.Width, outputWidth, gridW, width);

        var flat = features.permute(0, 2, 3, 1).reshape(n * height * width, c);
        var baseIndex = roi.Batch.Times(height * width)[.., TensorIndex.None, TensorIndex.None];
        Tensor Read(Tensor ys, Tensor xs)
        {
            var index = baseIndex.Plus(ys[.., .., TensorIndex.None].Times(width)).Plus(xs[.., TensorIndex.None, ..]);
            return flat.index_select(0, index.reshape(-1)).view(k, index.shape[1], index.shape[2], c);
        }
        Tensor W(Tensor wy, Tensor wx) => (wy[.., .., TensorIndex.None] * wx[.., TensorIndex.None, ..])[.., .., .., TensorIndex.None];

        var hy = ly.From(1);
        var hx = lx.From(1);
        var samples = (W(hy, hx) * Read(yLow, xLow)).Plus(W(hy, lx) * Read(yLow, xHigh))
                      .Plus(W(ly, hx) * Read(yHigh, xLow)).Plus(W(ly, lx) * Read(yHigh, xHigh));
        var valid = (yValid[.., .., TensorIndex.None] & xValid[.., TensorIndex.None, ..])[.., .., .., TensorIndex.None];
        samples = samples * valid.to_type(samples.dtype);
        return samples.view(k, outputHeight, gridH, outputWidth, gridW, c).mean([2, 4]).permute(0, 3, 1, 2).contiguous();
    }

    /// <summary>Sample positions along one axis: low/high cell indices [K, bins*grid], fraction towards high, validity.</summary>
    static (Tensor Low, Tensor High, Tensor Frac, Tensor Valid) Axis(Tensor start, Tensor length, int bins, int grid, long size)
    {
        var steps = HeldScalars.Range(bins * grid, start.device).to_type(float32);
        using var gridSize = ((long)grid).ToScalar();
        var offsets = floor(steps.DividedBy(grid)).Plus(remainder(steps, gridSize).Plus(0.5).DividedBy(grid)).DividedBy(bins);
        var pos = start[.., TensorIndex.None].Plus(offsets[TensorIndex.None, ..] * length[.., TensorIndex.None]);
        var valid = pos.AtLeast(-1.0) & pos.AtMost(size);
        pos = pos.ClampMin(0);
        var low = floor(pos).to_type(int64);
        var atEdge = low.AtLeast(size - 1);
        using var last = (size - 1).ToScalar();
        low = where(atEdge, full_like(low, last), low);
        var high = where(atEdge, low, low.Plus(1));
        pos = where(atEdge, low.to_type(float32), pos);
        return (low, high, pos - low.to_type(float32), valid);
    }
}
