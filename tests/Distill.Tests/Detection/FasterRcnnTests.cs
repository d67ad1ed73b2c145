using Distill.Data.Detection;
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
}
