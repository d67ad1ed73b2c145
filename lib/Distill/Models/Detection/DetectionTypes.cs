using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>Ground truth of one image: boxes [G, 4] (x1, y1, x2, y2 in image pixels) and class labels [G] in 1..C (0 is background).</summary>
public sealed record DetectionTarget(Tensor Boxes, Tensor Labels);

/// <summary>Detections of one image: boxes [K, 4] in image pixels, scores [K] and class labels [K] in 1..C, by decreasing score.</summary>
public sealed record Detections(Tensor Boxes, Tensor Scores, Tensor Labels);

/// <summary>
/// The training rows of one stage of a Faster R-CNN step (RPN: anchors; box head: RoIs), as the detector sampled them:
/// the rows of the stage's logits that are classified and their labels, the rows of its deltas (viewed as [-1, 4]) that
/// regress and their encoded targets, and the smooth-L1 transition point the stage's box loss uses. A teacher evaluated
/// on the student's anchors and RoIs (<see cref="FasterRcnn.TapsOn"/>) has its outputs in the same row order, so these
/// indices select the teacher's matching outputs too.
/// </summary>
/// <param name="SampledIndex">[S] rows of the stage's logits (RPN: flat over the batch's B * N anchors).</param>
/// <param name="SampledLabels">[S] their labels (RPN: 0 background / 1 object; box head: 0..C).</param>
/// <param name="RegressionIndex">[P] rows of the stage's deltas viewed as [-1, 4] (box head: each foreground RoI's own class).</param>
/// <param name="RegressionTargets">[P, 4] their encoded box targets.</param>
/// <param name="SmoothL1Beta">The stage's smooth-L1 beta, from the detector's settings (<see cref="RpnSettings.SmoothL1Beta"/>,
/// <see cref="RoiHeadsSettings.SmoothL1Beta"/>): the one value the detector's own box loss and the distillation's regression term share.</param>
public sealed record StageTargets(Tensor SampledIndex, Tensor SampledLabels, Tensor RegressionIndex, Tensor RegressionTargets, double SmoothL1Beta)
{
    /// <summary>The divisor of the stage's box loss: the number of sampled rows (at least 1), as in Faster R-CNN.</summary>
    public double Normaliser => Math.Max(1, SampledIndex.shape[0]);
}

/// <summary>The training targets of one Faster R-CNN step, per stage, handed to the detection distillation terms.</summary>
public sealed record DetectionTrainTargets(StageTargets Rpn, StageTargets Rcn)
{
    public StageTargets Of(DetectionStage stage) => stage == DetectionStage.Rpn ? Rpn : Rcn;
}

/// <summary>The two stages of Faster R-CNN that Chen et al. (2017) distil: region proposal network and box head (RCN).</summary>
public enum DetectionStage { Rpn, Rcn }

/// <summary>
/// Names of the taps a <see cref="FasterRcnn"/> hands to the distillation losses (Chen et al. 2017): the backbone map,
/// the RoIs, and per stage its logits (RPN: [B*N] objectness; RCN: [R, C+1]) and its deltas viewed as [-1, 4].
/// </summary>
public static class DetectionTaps
{
    public const string Backbone = "backbone";
    public const string Rois = "rois";

    /// <summary>"rpn" or "rcn": the prefix of the stage's taps and of its loss terms' keys.</summary>
    public static string Key(DetectionStage stage) => stage == DetectionStage.Rpn ? "rpn" : "rcn";
    public static string Logits(DetectionStage stage) => $"{Key(stage)}_logits";
    public static string Deltas(DetectionStage stage) => $"{Key(stage)}_deltas";
}
