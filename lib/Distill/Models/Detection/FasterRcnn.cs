using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Models.Detection;

/// <summary>
/// A training step's result: the four Faster R-CNN loss components ("rpn_objectness", "rpn_box", "rcn_cls", "rcn_box"),
/// the taps the distillation losses read (see <see cref="DetectionTaps"/>) and the sampled training targets of both stages.
/// </summary>
public sealed record DetectionTrainOutput(IReadOnlyDictionary<string, Tensor> Losses, Taps Taps, DetectionTrainTargets Targets)
{
    /// <summary>Sum of the loss components (lambda = 1 between the RPN and box-head terms, as in Faster R-CNN).</summary>
    public Tensor Total => Losses.Values.Aggregate((a, b) => a.Plus(b));
}

/// <summary>
/// Faster R-CNN (Ren et al. 2015) assembled from its parts: backbone → RPN → RoI Align box head. One feature map,
/// images of one size per batch. The student and teacher of Chen et al. (2017) are both instances of it.
/// </summary>
public sealed class FasterRcnn : nn.Module
{
    readonly nn.Module<Tensor, Tensor> backbone;
    readonly RegionProposalNetwork rpn;
    readonly RoiHeads roiHeads;

    public FasterRcnn(IDetectionBackbone backbone, int numClasses, AnchorGenerator? anchors = null,
                      RpnSettings? rpnSettings = null, RoiHeadsSettings? headSettings = null) : base(nameof(FasterRcnn))
    {
        this.backbone = backbone.Module;
        Backbone = backbone;
        anchors ??= new AnchorGenerator([128, 256, 512], [0.5, 1.0, 2.0], backbone.Stride);
        if (anchors.Stride != backbone.Stride)
            throw new ArgumentException($"Anchor stride {anchors.Stride} differs from the backbone stride {backbone.Stride}.");
        rpn = new RegionProposalNetwork(backbone.OutChannels, anchors, rpnSettings);
        roiHeads = new RoiHeads(backbone.OutChannels, backbone.Stride, numClasses, headSettings);
        RegisterComponents();
    }

    public IDetectionBackbone Backbone { get; }
    public RegionProposalNetwork Rpn => rpn;
    public RoiHeads Heads => roiHeads;
    public int NumClasses => roiHeads.NumClasses;

    /// <summary>
    /// Training forward on images [B, 3, H, W] with one target per image: losses and taps. <paramref name="rng"/> drives
    /// the anchor and RoI sampling.
    /// </summary>
    public DetectionTrainOutput TrainStep(Tensor images, IReadOnlyList<DetectionTarget> targets, Random rng)
    {
        if (targets.Count != images.shape[0])
            throw new ArgumentException($"{images.shape[0]} images but {targets.Count} targets.");
        int height = (int)images.shape[2], width = (int)images.shape[3];
        var features = backbone.forward(images);
        var rpnOut = rpn.Forward(features);
        var proposals = rpn.Proposals(rpnOut, height, width, training: true);
        var rpnTargets = rpn.Assign(rpnOut.Anchors, targets, rng);
        var (objectness, rpnBox) = rpn.Loss(rpnOut, rpnTargets);

        var sample = roiHeads.Sample(proposals, targets, rng);
        var rcnTargets = roiHeads.Targets(sample);
        var (logits, deltas) = roiHeads.Forward(features, sample.Rois);
        var (classification, rcnBox) = roiHeads.Loss(logits, deltas, rcnTargets);
        foreach (var p in proposals) p.Dispose();

        var losses = new Dictionary<string, Tensor>
        {
            ["rpn_objectness"] = objectness, ["rpn_box"] = rpnBox, ["rcn_cls"] = classification, ["rcn_box"] = rcnBox,
        };
        var taps = StageTaps(features, rpnOut, logits, deltas);
        taps[DetectionTaps.Rois] = sample.Rois;
        return new DetectionTrainOutput(losses, new Taps(logits, [features], taps), new DetectionTrainTargets(rpnTargets, rcnTargets));
    }

    /// <summary>
    /// The outputs a teacher contributes to distillation, computed on the student's batch: backbone map, RPN outputs at
    /// every anchor (the student's anchor grid must be the same) and box-head outputs on the student's RoIs [R, 5].
    /// </summary>
    public Taps TapsOn(Tensor images, Tensor rois)
    {
        var features = backbone.forward(images);
        var rpnOut = rpn.Forward(features);
        var (logits, deltas) = roiHeads.Forward(features, rois);
        rpnOut.Anchors.Dispose();
        return new Taps(logits, [features], StageTaps(features, rpnOut, logits, deltas));
    }

    /// <summary>The backbone map and both stages' logits and deltas (viewed as [-1, 4]) under their <see cref="DetectionTaps"/> names.</summary>
    static Dictionary<string, Tensor> StageTaps(Tensor features, RpnOutput rpnOut, Tensor logits, Tensor deltas) => new()
    {
        [DetectionTaps.Backbone] = features,
        [DetectionTaps.Logits(DetectionStage.Rpn)] = rpnOut.Logits.reshape(-1),
        [DetectionTaps.Deltas(DetectionStage.Rpn)] = rpnOut.Deltas.reshape(-1, 4),
        [DetectionTaps.Logits(DetectionStage.Rcn)] = logits,
        [DetectionTaps.Deltas(DetectionStage.Rcn)] = deltas.reshape(-1, 4),
    };

    /// <summary>Inference: detections per image in the pixel coordinates of <paramref name="images"/>.</summary>
    public List<Detections> Detect(Tensor images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int height = (int)images.shape[2], width = (int)images.shape[3];
        var features = backbone.forward(images);
        var rpnOut = rpn.Forward(features);
        var proposals = rpn.Proposals(rpnOut, height, width, training: false);
        var rois = cat(proposals.Select((p, b) => cat([zeros(p.shape[0], 1, dtype: p.dtype, device: p.device).Plus(b), p], 1)).ToArray());
        var (logits, deltas) = roiHeads.Forward(features, rois);
        var detections = roiHeads.Postprocess(logits, deltas, proposals, height, width);
        foreach (var d in detections)
            foreach (var t in new[] { d.Boxes, d.Scores, d.Labels }) t.MoveToOuterDisposeScope();
        return detections;
    }
}
