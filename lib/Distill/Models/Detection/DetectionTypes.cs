using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>Ground truth of one image: boxes [G, 4] (x1, y1, x2, y2 in image pixels) and class labels [G] in 1..C (0 is background).</summary>
public sealed record DetectionTarget(Tensor Boxes, Tensor Labels);

/// <summary>Detections of one image: boxes [K, 4] in image pixels, scores [K] and class labels [K] in 1..C, by decreasing score.</summary>
public sealed record Detections(Tensor Boxes, Tensor Scores, Tensor Labels);

/// <summary>
/// Names of the taps a <see cref="FasterRcnn"/> hands to the distillation losses (Chen et al. 2017).
/// For a stage s in {"rpn", "rcn"}: s_logits (RPN: [B*N] objectness; RCN: [R, C+1]), s_deltas (viewed as [-1, 4]),
/// s_cls_index / s_cls_labels (the sampled rows of s_logits and their labels), s_reg_index / s_reg_targets
/// (the rows of s_deltas viewed as [-1, 4] that are trained to regress, and their encoded targets).
/// A teacher evaluated on the student's anchors and RoIs (<see cref="FasterRcnn.TapsOn"/>) has s_logits and s_deltas
/// with the same row order, so the student's indices select the teacher's matching outputs.
/// </summary>
public static class DetectionTaps
{
    public const string Backbone = "backbone";
    public const string Rois = "rois";
    public const string Rpn = "rpn";
    public const string Rcn = "rcn";

    public static string Logits(string stage) => $"{stage}_logits";
    public static string Deltas(string stage) => $"{stage}_deltas";
    public static string ClsIndex(string stage) => $"{stage}_cls_index";
    public static string ClsLabels(string stage) => $"{stage}_cls_labels";
    public static string RegIndex(string stage) => $"{stage}_reg_index";
    public static string RegTargets(string stage) => $"{stage}_reg_targets";
}
