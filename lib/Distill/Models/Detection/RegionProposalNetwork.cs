using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>Proposal and training settings of the RPN; defaults follow Faster R-CNN / torchvision.</summary>
public sealed record RpnSettings
{
    public int PreNmsTopNTrain { get; init; } = 2000;
    public int PreNmsTopNTest { get; init; } = 1000;
    public int PostNmsTopNTrain { get; init; } = 2000;
    public int PostNmsTopNTest { get; init; } = 1000;
    public double NmsThreshold { get; init; } = 0.7;
    /// <summary>Proposals narrower or shorter than this (pixels) are dropped.</summary>
    public double MinSize { get; init; } = 1.0;
    public double ForegroundIou { get; init; } = 0.7;
    public double BackgroundIou { get; init; } = 0.3;
    public int BatchSizePerImage { get; init; } = 256;
    public double PositiveFraction { get; init; } = 0.5;
    /// <summary>Smooth-L1 transition point of the RPN's box loss and of its distillation term (1/9 as in Detectron / torchvision).</summary>
    public double SmoothL1Beta { get; init; } = 1.0 / 9;
}

/// <summary>What the RPN head saw: objectness logits [B, N], deltas [B, N, 4] and the N anchors [N, 4] they refer to.</summary>
public sealed record RpnOutput(Tensor Logits, Tensor Deltas, Tensor Anchors);

/// <summary>
/// Region Proposal Network (Ren et al. 2015): head, anchors, proposal selection (decode, clip, drop small boxes,
/// top-k before NMS, NMS, top-k after NMS), target assignment (IoU 0.7 / 0.3, 256 anchors per image, half positives)
/// and its two losses (objectness binary cross-entropy, smooth-L1 on positive anchors).
/// </summary>
public sealed class RegionProposalNetwork : nn.Module
{
    readonly RpnHead head;
    readonly Matcher matcher;
    readonly BalancedSampler sampler;

    public RegionProposalNetwork(int inChannels, AnchorGenerator anchors, RpnSettings? settings = null) : base(nameof(RegionProposalNetwork))
    {
        Anchors = anchors;
        Settings = settings ?? new RpnSettings();
        head = new RpnHead(inChannels, anchors.PerPosition);
        matcher = new Matcher(Settings.ForegroundIou, Settings.BackgroundIou, 0, allowLowQualityMatches: true);
        sampler = new BalancedSampler(Settings.BatchSizePerImage, Settings.PositiveFraction);
        RegisterComponents();
    }

    public AnchorGenerator Anchors { get; }
    public RpnSettings Settings { get; }
    public BoxCoder Coder { get; } = new();

    public RpnOutput Forward(Tensor features)
    {
        var (logits, deltas) = head.forward(features);
        var anchors = Anchors.Generate((int)features.shape[2], (int)features.shape[3], features.device);
        return new RpnOutput(logits, deltas, anchors);
    }

    /// <summary>Proposals [P, 4] per image (detached), best objectness first.</summary>
    public List<Tensor> Proposals(RpnOutput output, int imageHeight, int imageWidth, bool training)
    {
        int preNms = training ? Settings.PreNmsTopNTrain : Settings.PreNmsTopNTest;
        int postNms = training ? Settings.PostNmsTopNTrain : Settings.PostNmsTopNTest;
        var result = new List<Tensor>();
        using var noGrad = no_grad();
        for (long b = 0; b < output.Logits.shape[0]; b++)
        {
            using var scope = NewDisposeScope();
            var scores = output.Logits[b];
            var top = scores.topk((int)Math.Min(preNms, scores.shape[0])).indexes;
            var boxes = Coder.Decode(output.Deltas[b].index_select(0, top), output.Anchors.index_select(0, top));
            boxes = BoxOps.Clip(boxes, imageHeight, imageWidth);
            var topScores = scores.index_select(0, top);
            var large = BoxOps.KeepLarge(boxes, Settings.MinSize);
            boxes = boxes.index_select(0, large);
            topScores = topScores.index_select(0, large);
            var keep = Nms.Apply(boxes, topScores, Settings.NmsThreshold);
            keep = keep[..(int)Math.Min(postNms, keep.shape[0])];
            result.Add(boxes.index_select(0, keep).MoveToOuterDisposeScope());
        }
        return result;
    }

    /// <summary>
    /// Matches the anchors to each image's ground truth and samples the training anchors: flat indices into the
    /// [B * N] anchors of the batch, sampled anchors with 0/1 objectness labels, positives with their box targets.
    /// </summary>
    public StageTargets Assign(Tensor anchors, IReadOnlyList<DetectionTarget> targets, Random rng)
    {
        using var scope = NewDisposeScope();
        long n = anchors.shape[0];
        var sampled = new List<Tensor>();
        var sampledLabels = new List<Tensor>();
        var positives = new List<Tensor>();
        var regression = new List<Tensor>();
        for (int b = 0; b < targets.Count; b++)
        {
            var gt = targets[b].Boxes.to(anchors.device);
            var match = matcher.Match(BoxOps.Iou(gt, anchors));
            var (pos, neg) = sampler.Sample(match, rng);
            pos = pos.to(anchors.device);
            neg = neg.to(anchors.device);
            sampled.Add(cat([pos, neg]).Plus(b * n));
            sampledLabels.Add(cat([ones(pos.shape[0], dtype: int64), zeros(neg.shape[0], dtype: int64)]).to(anchors.device));
            positives.Add(pos.Plus(b * n));
            var matchedGt = gt.index_select(0, match.index_select(0, pos));
            regression.Add(Coder.Encode(matchedGt, anchors.index_select(0, pos)));
        }
        var result = new StageTargets(cat(sampled), cat(sampledLabels), cat(positives), cat(regression).reshape(-1, 4), Settings.SmoothL1Beta);
        foreach (var t in new[] { result.SampledIndex, result.SampledLabels, result.RegressionIndex, result.RegressionTargets }) t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Objectness loss (mean binary cross-entropy over sampled anchors) and box loss (smooth-L1 summed over positives / sampled count).</summary>
    public (Tensor Objectness, Tensor Box) Loss(RpnOutput output, StageTargets targets)
    {
        using var scope = NewDisposeScope();
        var logits = output.Logits.reshape(-1).index_select(0, targets.SampledIndex);
        var objectness = nn.functional.binary_cross_entropy_with_logits(logits, targets.SampledLabels.to_type(logits.dtype));
        var deltas = output.Deltas.reshape(-1, 4).index_select(0, targets.RegressionIndex);
        var box = nn.functional.smooth_l1_loss(deltas, targets.RegressionTargets, reduction: nn.Reduction.Sum, beta: targets.SmoothL1Beta)
                  .DividedBy(targets.Normaliser);
        return (objectness.MoveToOuterDisposeScope(), box.MoveToOuterDisposeScope());
    }
}
