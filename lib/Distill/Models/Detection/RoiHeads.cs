using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>Settings of the Fast R-CNN box head; defaults follow Faster R-CNN (Ren et al. 2015) and Fast R-CNN.</summary>
public sealed record RoiHeadsSettings
{
    public int PooledSize { get; init; } = 7;
    public int SamplingRatio { get; init; } = 2;
    public int RepresentationSize { get; init; } = 1024;
    public double ForegroundIou { get; init; } = 0.5;
    public double BackgroundHigh { get; init; } = 0.5;
    /// <summary>Lower IoU bound of background RoIs (0.1 in Fast R-CNN; 0 in torchvision).</summary>
    public double BackgroundLow { get; init; } = 0.1;
    public int BatchSizePerImage { get; init; } = 128;
    public double PositiveFraction { get; init; } = 0.25;
    public double ScoreThreshold { get; init; } = 0.05;
    public double NmsThreshold { get; init; } = 0.5;
    public int DetectionsPerImage { get; init; } = 100;
    public double MinSize { get; init; } = 1.0;

    /// <summary>
    /// RoI Align's half-pixel correction (<see cref="RoiAlign"/>): false (the default) is the legacy alignment
    /// torchvision's Faster R-CNN uses (MultiScaleRoIAlign, aligned=False); true shifts RoI corners by -0.5 pixel as Detectron2 does.
    /// </summary>
    public bool Aligned { get; init; }

    /// <summary>Smooth-L1 transition point of the box head's box loss and of its distillation term (torchvision: 1/9, the
    /// default; Fast R-CNN: 1).</summary>
    public double SmoothL1Beta { get; init; } = 1.0 / 9;
}

/// <summary>The RoIs a box head trains on: rois [R, 5] (batch index, x1, y1, x2, y2), labels [R] (0 = background), encoded targets [R, 4].</summary>
public sealed record RcnSample(Tensor Rois, Tensor Labels, Tensor RegressionTargets);

/// <summary>
/// Fast R-CNN box head as used in Faster R-CNN: RoI Align, two fully connected layers with ReLU, then a classifier over
/// C + 1 classes (0 = background) and class-specific box deltas [R, (C+1)*4] (box coder weights 10, 10, 5, 5).
/// Trains on 128 RoIs per image, 25 % foreground (IoU &gt;= 0.5), background IoU in [0.1, 0.5), with the ground-truth
/// boxes added to the proposals. Inference: softmax, decode per class, clip, score threshold, per-class NMS.
/// </summary>
public sealed class RoiHeads : nn.Module
{
    readonly Linear fc6;
    readonly Linear fc7;
    readonly Linear classifier;
    readonly Linear boxRegressor;
    readonly RoiAlign pooler;
    readonly Matcher matcher;
    readonly BalancedSampler sampler;

    public RoiHeads(int inChannels, int stride, int numClasses, RoiHeadsSettings? settings = null) : base(nameof(RoiHeads))
    {
        Settings = settings ?? new RoiHeadsSettings();
        NumClasses = numClasses;
        int pooled = Settings.PooledSize;
        pooler = new RoiAlign(pooled, pooled, 1.0 / stride, Settings.SamplingRatio, aligned: Settings.Aligned);
        fc6 = nn.Linear(inChannels * pooled * pooled, Settings.RepresentationSize);
        fc7 = nn.Linear(Settings.RepresentationSize, Settings.RepresentationSize);
        classifier = nn.Linear(Settings.RepresentationSize, numClasses + 1);
        boxRegressor = nn.Linear(Settings.RepresentationSize, (numClasses + 1) * 4);
        nn.init.normal_(classifier.weight!, std: 0.01);
        nn.init.normal_(boxRegressor.weight!, std: 0.001);
        nn.init.zeros_(classifier.bias!);
        nn.init.zeros_(boxRegressor.bias!);
        matcher = new Matcher(Settings.ForegroundIou, Settings.BackgroundHigh, Settings.BackgroundLow);
        sampler = new BalancedSampler(Settings.BatchSizePerImage, Settings.PositiveFraction);
        RegisterComponents();
    }

    public RoiHeadsSettings Settings { get; }
    /// <summary>Object classes, not counting background.</summary>
    public int NumClasses { get; }
    public BoxCoder Coder { get; } = new(10, 10, 5, 5);

    /// <summary>Class logits [R, C+1] and class-specific deltas [R, (C+1)*4] of <paramref name="rois"/> [R, 5].</summary>
    public (Tensor Logits, Tensor Deltas) Forward(Tensor features, Tensor rois)
    {
        using var scope = NewDisposeScope();
        var pooled = pooler.Apply(features, rois).flatten(1);
        var hidden = nn.functional.relu(fc7.call(nn.functional.relu(fc6.call(pooled))));
        return (classifier.call(hidden).MoveToOuterDisposeScope(), boxRegressor.call(hidden).MoveToOuterDisposeScope());
    }

    /// <summary>Picks the training RoIs among the proposals (plus ground truth) of each image.</summary>
    public RcnSample Sample(IReadOnlyList<Tensor> proposals, IReadOnlyList<DetectionTarget> targets, Random rng)
    {
        using var scope = NewDisposeScope();
        var rois = new List<Tensor>();
        var labels = new List<Tensor>();
        var regression = new List<Tensor>();
        for (int b = 0; b < proposals.Count; b++)
        {
            var gt = targets[b].Boxes.to(proposals[b].device);
            var gtLabels = targets[b].Labels.to(proposals[b].device);
            var candidates = cat([proposals[b], gt]);
            var match = matcher.Match(BoxOps.Iou(gt, candidates));
            var (pos, neg) = sampler.Sample(match, rng);
            var chosen = cat([pos, neg]).to(candidates.device);
            var boxes = candidates.index_select(0, chosen);
            var matched = match.index_select(0, chosen).ClampMin(0);
            var isForeground = ForegroundMask(chosen.shape[0], pos.shape[0], candidates.device);
            labels.Add(gt.shape[0] == 0 ? zeros_like(matched) : where(isForeground, gtLabels.index_select(0, matched), zeros_like(matched)));
            var encoded = gt.shape[0] == 0 ? zeros_like(boxes) : Coder.Encode(gt.index_select(0, matched), boxes);
            regression.Add(where(isForeground[.., TensorIndex.None], encoded, zeros_like(encoded)));
            rois.Add(cat([zeros(chosen.shape[0], 1, dtype: boxes.dtype, device: boxes.device).Plus(b), boxes], 1));
        }
        var sample = new RcnSample(cat(rois), cat(labels), cat(regression));
        foreach (var t in new[] { sample.Rois, sample.Labels, sample.RegressionTargets }) t.MoveToOuterDisposeScope();
        return sample;
    }

    /// <summary>[count] booleans, the first <paramref name="positives"/> true: which sampled RoIs are foreground.</summary>
    static Tensor ForegroundMask(long count, long positives, Device device) =>
        tensor(Enumerable.Range(0, (int)count).Select(i => i < positives).ToArray(), device: device);

    /// <summary>Rows of the deltas viewed as [R*(C+1), 4] that belong to each foreground RoI's own class.</summary>
    public Tensor RegressionIndex(Tensor labels)
    {
        using var scope = NewDisposeScope();
        var foreground = nonzero(labels.Above(0)).view(-1);
        return foreground.Times(NumClasses + 1).Plus(labels.index_select(0, foreground)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The training rows of <paramref name="sample"/>: every sampled RoI with its label, and the deltas of each
    /// foreground RoI's own class with their targets.
    /// </summary>
    public StageTargets Targets(RcnSample sample)
    {
        using var scope = NewDisposeScope();
        var foreground = nonzero(sample.Labels.Above(0)).view(-1);
        var targets = new StageTargets(HeldScalars.Range(sample.Labels.shape[0], sample.Labels.device), sample.Labels,
            RegressionIndex(sample.Labels), sample.RegressionTargets.index_select(0, foreground), Settings.SmoothL1Beta);
        foreach (var t in new[] { targets.SampledIndex, targets.RegressionIndex, targets.RegressionTargets }) t.MoveToOuterDisposeScope();
        return targets;
    }

    /// <summary>
    /// Classification loss (mean cross-entropy over the <paramref name="targets"/>' rows, which are all RoIs in order)
    /// and box loss (smooth-L1 on foreground RoIs' own class, summed / R).
    /// </summary>
    public (Tensor Classification, Tensor Box) Loss(Tensor logits, Tensor deltas, StageTargets targets)
    {
        using var scope = NewDisposeScope();
        var classification = nn.functional.cross_entropy(logits, targets.SampledLabels);
        var predicted = deltas.reshape(-1, 4).index_select(0, targets.RegressionIndex);
        var box = nn.functional.smooth_l1_loss(predicted, targets.RegressionTargets, reduction: nn.Reduction.Sum, beta: targets.SmoothL1Beta)
                  .DividedBy(targets.Normaliser);
        return (classification.MoveToOuterDisposeScope(), box.MoveToOuterDisposeScope());
    }

    /// <summary>Detections per image from the head's outputs on the concatenated proposals of each image.</summary>
    public List<Detections> Postprocess(Tensor logits, Tensor deltas, IReadOnlyList<Tensor> proposals, int imageHeight, int imageWidth)
    {
        var result = new List<Detections>();
        using var noGrad = no_grad();
        long start = 0;
        foreach (var imageProposals in proposals)
        {
            using var scope = NewDisposeScope();
            long count = imageProposals.shape[0];
            if (count == 0)
            {
                // An image without proposals (the RPN dropped every box as too small) has no detections.
                var none = new Detections(zeros(0, 4, device: logits.device), zeros(0, device: logits.device), zeros(0, dtype: int64, device: logits.device));
                foreach (var t in new[] { none.Boxes, none.Scores, none.Labels }) t.MoveToOuterDisposeScope();
                result.Add(none);
                continue;
            }
            var scores = nn.functional.softmax(logits.narrow(0, start, count), 1);
            var boxes = Coder.Decode(deltas.narrow(0, start, count), imageProposals).view(count, -1, 4);
            start += count;
            boxes = BoxOps.Clip(boxes.reshape(-1, 4), imageHeight, imageWidth).view(count, -1, 4);
            var classes = HeldScalars.Range(NumClasses + 1, scores.device).expand(count, -1);
            // Drop the background column, then flatten (RoI, class) pairs into candidate detections.
            var flatBoxes = boxes[.., 1..].reshape(-1, 4);
            var flatScores = scores[.., 1..].reshape(-1);
            var flatLabels = classes[.., 1..].reshape(-1);
            var confident = nonzero(flatScores.Above(Settings.ScoreThreshold)).view(-1);
            flatBoxes = flatBoxes.index_select(0, confident);
            flatScores = flatScores.index_select(0, confident);
            flatLabels = flatLabels.index_select(0, confident);
            var large = BoxOps.KeepLarge(flatBoxes, Settings.MinSize);
            flatBoxes = flatBoxes.index_select(0, large);
            flatScores = flatScores.index_select(0, large);
            flatLabels = flatLabels.index_select(0, large);
            var keep = Nms.Batched(flatBoxes, flatScores, flatLabels, Settings.NmsThreshold);
            keep = keep[..(int)Math.Min(Settings.DetectionsPerImage, keep.shape[0])];
            var detections = new Detections(flatBoxes.index_select(0, keep), flatScores.index_select(0, keep), flatLabels.index_select(0, keep));
            foreach (var t in new[] { detections.Boxes, detections.Scores, detections.Labels }) t.MoveToOuterDisposeScope();
            result.Add(detections);
        }
        return result;
    }
}
