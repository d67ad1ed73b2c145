using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// Assigns each prediction (anchor or proposal) to a ground-truth box by IoU, as in Faster R-CNN:
/// IoU &gt;= <see cref="ForegroundThreshold"/> matches the best ground truth; IoU in
/// [<see cref="BackgroundLow"/>, <see cref="BackgroundHigh"/>) is background; anything else is ignored.
/// RPN: (0.7, 0.3, 0) with low-quality matches allowed (each ground truth also takes the anchors that are its best
/// match, even below 0.7). Box head: (0.5, 0.5, 0.1) as in Fast R-CNN (torchvision uses 0 for the last).
/// </summary>
public sealed class Matcher
{
    /// <summary>Label of a background prediction.</summary>
    public const long Background = -1;

    /// <summary>Label of an ignored prediction (between the thresholds, or below <see cref="BackgroundLow"/>).</summary>
    public const long Ignored = -2;

    // Held for the process: a Scalar made from the constants per call would be freed by its finalizer (HeldScalars).
    static readonly Scalar BackgroundScalar = Background.ToScalar(), IgnoredScalar = Ignored.ToScalar();

    public Matcher(double foregroundThreshold, double backgroundHigh, double backgroundLow = 0, bool allowLowQualityMatches = false)
    {
        if (!(backgroundLow <= backgroundHigh && backgroundHigh <= foregroundThreshold))
            throw new ArgumentException($"Matcher thresholds must satisfy low <= high <= foreground; got {backgroundLow}, {backgroundHigh}, {foregroundThreshold}.");
        ForegroundThreshold = foregroundThreshold;
        BackgroundHigh = backgroundHigh;
        BackgroundLow = backgroundLow;
        AllowLowQualityMatches = allowLowQualityMatches;
    }

    public double ForegroundThreshold { get; }
    public double BackgroundHigh { get; }
    public double BackgroundLow { get; }
    public bool AllowLowQualityMatches { get; }

    /// <summary>
    /// For an IoU matrix [G, P] (ground truths x predictions) returns [P] int64: the matched ground-truth index,
    /// <see cref="Background"/> or <see cref="Ignored"/>. With no ground truth every prediction is background.
    /// </summary>
    public Tensor Match(Tensor iou)
    {
        long g = iou.shape[0], p = iou.shape[1];
        if (g == 0) return full(p, BackgroundScalar, dtype: int64, device: iou.device);
        using var scope = NewDisposeScope();
        var (best, bestGt) = iou.max(0);
        var labels = bestGt.clone();
        var background = best.AtLeast(BackgroundLow) & best.Below(BackgroundHigh);
        var ignored = best.Below(ForegroundThreshold) & ~background;
        labels = where(background, full_like(labels, BackgroundScalar), labels);
        labels = where(ignored, full_like(labels, IgnoredScalar), labels);
        if (AllowLowQualityMatches)
        {
            // Predictions that reach some ground truth's highest IoU (ties included) keep their best match.
            var bestPerGt = iou.max(1).values;
            var isBestOfSome = ((iou == bestPerGt[.., TensorIndex.None]) & bestPerGt[.., TensorIndex.None].Above(0)).any(0);
            labels = where(isBestOfSome, bestGt, labels);
        }
        return labels.MoveToOuterDisposeScope();
    }
}
