using Distill.Data.Detection;
using Distill.Losses;
using Distill.Models.Detection;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

/// <summary>The assembled Faster R-CNN on a batch of generated scenes: loss components, distillation taps, inference.</summary>
public class FasterRcnnTests : IClassFixture<SceneFixture>
{
    readonly DetectionBatch batch;

    public FasterRcnnTests(SceneFixture scenes)
    {
        TorchRuntime.Initialize(seed: 8, quiet: true);
        var source = new VocDetectionSource(VocDataset.Open(scenes.Root, "train"), SceneFixture.ImageSize, batchSize: 2, shuffle: false, flip: false);
        batch = source.Epoch(0).First();
    }

    [Fact]
    public void TrainStepGivesFourLossesAndTapsAlignedWithTheTeacher()
    {
        var student = SceneFixture.Detector(VggBackbone.Student());
        var teacher = SceneFixture.Detector(VggBackbone.Teacher());
        var output = student.TrainStep(batch.Images, batch.Targets, new Random(1));
        Assert.Equal(["rpn_objectness", "rpn_box", "rcn_cls", "rcn_box"], output.Losses.Keys);
        Assert.All(output.Losses.Values, l => Assert.True(double.IsFinite(l.item<float>()) && l.item<float>() >= 0));
        // Untrained classifiers are near uniform: cross-entropy close to log 2 (RPN) and log 11 (RCN).
        Assert.Equal(Math.Log(2), output.Losses["rpn_objectness"].item<float>(), 0.1);
        Assert.Equal(Math.Log(11), output.Losses["rcn_cls"].item<float>(), 0.1);

        var taps = output.Taps;
        long anchors = 2 * 4 * 4 * 9; // batch 2, 64 / 16 = 4x4 positions, 9 anchors each
        Assert.Equal([anchors], taps[DetectionTaps.Logits(DetectionStage.Rpn)].shape);
        Assert.Equal([anchors, 4], taps[DetectionTaps.Deltas(DetectionStage.Rpn)].shape);
        long rois = taps[DetectionTaps.Rois].shape[0];
        Assert.InRange(rois, 2, 2 * 32);
        Assert.Equal([rois, 11], taps[DetectionTaps.Logits(DetectionStage.Rcn)].shape);
        Assert.Equal([rois * 11, 4], taps[DetectionTaps.Deltas(DetectionStage.Rcn)].shape);
        var labels = output.Targets.Rcn.SampledLabels;
        long foreground = (labels > 0).sum().item<long>();
        Assert.True(foreground >= 1, "ground-truth boxes join the proposals, so some RoIs are foreground");
        Assert.Equal([foreground, 4], output.Targets.Rcn.RegressionTargets.shape);
        // Each regressed row is its RoI's own class: row = roi * 11 + label.
        var regIndex = output.Targets.Rcn.RegressionIndex;
        var fgRows = nonzero(labels > 0).view(-1);
        Assert.True(regIndex.eq(fgRows * 11 + labels.index_select(0, fgRows)).all().item<bool>());
        long positives = output.Targets.Rpn.RegressionIndex.shape[0];
        Assert.Equal(positives, output.Targets.Rpn.RegressionTargets.shape[0]);
        Assert.InRange(output.Targets.Rpn.SampledIndex.shape[0], positives, 2 * 64);

        teacher.eval();
        var t = teacher.TapsOn(batch.Images, taps[DetectionTaps.Rois]);
        foreach (var name in new[] { DetectionTaps.Logits(DetectionStage.Rpn), DetectionTaps.Deltas(DetectionStage.Rpn), DetectionTaps.Logits(DetectionStage.Rcn), DetectionTaps.Deltas(DetectionStage.Rcn) })
            Assert.Equal(taps[name].shape, t[name].shape);
        Assert.Equal([2L, 128, 4, 4], t[DetectionTaps.Backbone].shape);
        Assert.Equal([2L, 32, 4, 4], taps[DetectionTaps.Backbone].shape);
    }

    [Fact]
    public void DetectReturnsClippedBoxesWithoutSameClassOverlap()
    {
        var model = SceneFixture.Detector(VggBackbone.Student());
        model.eval();
        // A low score threshold so that an untrained head still yields candidates for NMS to act on.
        var head = new RoiHeadsSettings { RepresentationSize = 64, ScoreThreshold = 0.0, DetectionsPerImage = 30 };
        var lenient = new FasterRcnn(model.Backbone, 10, new AnchorGenerator([16, 32, 48], [0.5, 1.0, 2.0], 16), model.Rpn.Settings, head);
        lenient.eval();
        var detections = lenient.Detect(batch.Images);
        Assert.Equal(2, detections.Count);
        foreach (var d in detections)
        {
            long k = d.Scores.shape[0];
            Assert.InRange(k, 1, 30);
            Assert.True(d.Boxes.min().item<float>() >= 0 && d.Boxes.max().item<float>() <= SceneFixture.ImageSize);
            Assert.True((d.Labels >= 1).all().item<bool>() && (d.Labels <= 10).all().item<bool>());
            Assert.True((d.Scores[..^1] >= d.Scores[1..]).all().item<bool>(), "scores are sorted");
            var iou = BoxOps.Iou(d.Boxes, d.Boxes);
            var sameClass = d.Labels[.., TensorIndex.None].eq(d.Labels[TensorIndex.None, ..]);
            var offDiagonal = eye(k, dtype: ScalarType.Bool).logical_not();
            Assert.False((iou.gt(0.5) & sameClass & offDiagonal).any().item<bool>());
        }
    }

    [Theory]
    [InlineData(1.0 / 9)]
    [InlineData(1.0)]
    public void EachStagesSmoothL1BetaIsSharedByItsBoxLossAndItsDistillationTerm(double headBeta)
    {
        // torchvision's choices are the defaults: RoI Align without the half-pixel shift, smooth-L1 beta 1/9 in both stages.
        Assert.Equal((false, 1.0 / 9, 1.0 / 9), (new RoiHeadsSettings().Aligned, new RoiHeadsSettings().SmoothL1Beta, new RpnSettings().SmoothL1Beta));
        var student = new FasterRcnn(VggBackbone.Student(), VocSceneGenerator.Classes.Count, new AnchorGenerator([16, 32, 48], [0.5, 1.0, 2.0], 16),
            new RpnSettings { PreNmsTopNTrain = 200, PostNmsTopNTrain = 100, BatchSizePerImage = 64 },
            new RoiHeadsSettings { RepresentationSize = 64, BatchSizePerImage = 32, SmoothL1Beta = headBeta });
        var teacher = SceneFixture.Detector(VggBackbone.Teacher());
        teacher.eval();
        var output = student.TrainStep(batch.Images, batch.Targets, new Random(3));
        Assert.Equal((1.0 / 9, headBeta), (output.Targets.Rpn.SmoothL1Beta, output.Targets.Rcn.SmoothL1Beta));
        var t = teacher.TapsOn(batch.Images, output.Taps[DetectionTaps.Rois]);
        // With nu = 0 the teacher-bounded term is the stage's own box loss, to the bit: same rows, beta and normaliser.
        foreach (var (stage, loss) in new[] { (DetectionStage.Rpn, "rpn_box"), (DetectionStage.Rcn, "rcn_box") })
        {
            var term = new TeacherBoundedRegression(stage, nu: 0).Compute(output.Taps, t, output.Targets);
            Assert.Equal(output.Losses[loss].item<float>(), term.item<float>());
        }
        // ...and the beta is the one that counts: the box head's loss differs between 1/9 and 1 on the same rows.
        var rcn = output.Targets.Rcn;
        var predicted = output.Taps[DetectionTaps.Deltas(DetectionStage.Rcn)].index_select(0, rcn.RegressionIndex);
        var other = nn.functional.smooth_l1_loss(predicted, rcn.RegressionTargets, reduction: nn.Reduction.Sum, beta: headBeta == 1.0 ? 1.0 / 9 : 1.0)
            .item<float>() / (float)rcn.Normaliser;
        Assert.NotEqual(output.Losses["rcn_box"].item<float>(), other);
    }
}
