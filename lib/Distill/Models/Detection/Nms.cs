using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// Greedy non-maximum suppression. TorchSharp 0.107 ships no torchvision.ops.nms, so this is our own: the pairwise
/// IoU of the score-sorted boxes is one tensor operation, and only the greedy sweep over the resulting
/// "overlaps too much" bit matrix runs on the host (O(N^2) bits, N is the pre-NMS top-k, a few thousand at most).
/// </summary>
public static class Nms
{
    /// <summary>
    /// Indices [K] (int64, into <paramref name="boxes"/>) of the boxes kept, by decreasing score. A box is dropped when
    /// its IoU with a higher-scoring kept box is strictly greater than <paramref name="iouThreshold"/>.
    /// Ties in score keep the earlier index first.
    /// </summary>
    public static Tensor Apply(Tensor boxes, Tensor scores, double iouThreshold)
    {
        long n = boxes.shape[0];
        if (n == 0) return empty(0, dtype: int64, device: boxes.device);
        using var scope = NewDisposeScope();
        var order = scores.detach().sort(0, descending: true, stable: true).Indices;
        var sorted = boxes.detach().index_select(0, order);
        var overlaps = BoxOps.Iou(sorted, sorted).Above(iouThreshold).cpu();
        var bits = overlaps.data<bool>().ToArray();
        var suppressed = new bool[n];
        var kept = new List<long>();
        for (long i = 0; i < n; i++)
        {
            if (suppressed[i]) continue;
            kept.Add(i);
            long row = i * n;
            for (long j = i + 1; j < n; j++)
                if (bits[row + j]) suppressed[j] = true;
        }
        var keptSorted = tensor(kept.ToArray(), device: boxes.device);
        return order.index_select(0, keptSorted).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// NMS applied independently within each group (class): boxes of different groups never suppress each other.
    /// Done in one sweep by shifting each group's boxes by group * (largest coordinate + 1), so groups cannot overlap.
    /// </summary>
    public static Tensor Batched(Tensor boxes, Tensor scores, Tensor groups, double iouThreshold)
    {
        if (boxes.shape[0] == 0) return empty(0, dtype: int64, device: boxes.device);
        using var scope = NewDisposeScope();
        var offset = groups.to_type(boxes.dtype) * boxes.detach().max().Plus(1);
        var shifted = boxes.detach().Plus(offset[.., TensorIndex.None]);
        return Apply(shifted, scores, iouThreshold).MoveToOuterDisposeScope();
    }
}
