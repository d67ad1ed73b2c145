using Distill.Experiments;
using Distill.Experiments.Detection;
using Distill.Experiments.Papers;
using Distill.Models.Detection;
using Distill.Reporting;
using Distill.Runtime;

namespace Distill.Tests.Detection;

/// <summary>The ablation configs of Chen et al. (2017) and the detector cost count they are compared by.</summary>
public class DetectionKdTests
{
    public DetectionKdTests() => TorchRuntime.Initialize(seed: 2, quiet: true);

    [Fact]
    public void AblationSwitchesOneComponentOnPerRow()
    {
        var runs = DetectionKd.Ablation(new DetectionKdSettings { Margin = 0.1 });
        Assert.Equal(DetectionKd.Rows.Select(r => r.Name), runs.Select(r => r.Name));
        Assert.All(runs, r => r.Validate());
        Assert.Null(runs[0].Teacher);
        Assert.Null(runs[1].Teacher);
        var byName = runs.ToDictionary(r => r.Name);
        var (hint, soft, bounded, all) = (DetectionKd.Switches(byName["det-hint"]), DetectionKd.Switches(byName["det-softce"]),
                                          DetectionKd.Switches(byName["det-bounded"]), DetectionKd.Switches(byName["det-all"]));
        Assert.Equal((0.5, 1.0, 0.0), (hint.Gamma, hint.Mu, hint.Nu));
        Assert.Equal((0.0, 0.5, 0.0), (soft.Gamma, soft.Mu, soft.Nu));
        Assert.Equal((0.0, 1.0, 0.5), (bounded.Gamma, bounded.Mu, bounded.Nu));
        var allTerms = byName["det-all"].Losses.ToDictionary(l => l.Name);
        Assert.Equal((0.5, 0.5, 0.5, 1.0, 1.5, 0.1), (all.Gamma, all.Mu, all.Nu, allTerms["rcn_reg"].Weight, Distill.Losses.LossRegistry.Bind<Distill.Losses.WeightedSoftCe.Parameters>(allTerms["rcn_cls"]).BackgroundWeight ?? 0, all.Margin));
        // Each row is its list of terms: a component switched off by its weight is left out (hint) or set to its neutral value (mu = 1, nu = 0).
        Assert.Equal(["rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg", "hint"], byName["det-all"].Losses.Select(l => l.Name));
        Assert.Equal(["rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg"], byName["det-softce"].Losses.Select(l => l.Name));
        Assert.Empty(runs[1].Losses);
        Assert.Equal(6, runs.Select(r => r.Hash).Distinct().Count());
        Assert.Equal(runs[2].Hash, DetectionKd.Ablation(new DetectionKdSettings { Margin = 0.1 })[2].Hash);
        Assert.NotEqual(runs[2].Hash, DetectionKd.Ablation(new DetectionKdSettings { Margin = 0.1, Seed = 1 })[2].Hash);
        Assert.Equal(Profiles.Paper, DetectionKd.Ablation(new DetectionKdSettings { Profile = Profiles.Paper })[0].Profile);
        Assert.Contains("detection study has no profile 'cpu'",
            Assert.Throws<ArgumentException>(() => DetectionKd.Ablation(new DetectionKdSettings { Profile = Profiles.Cpu })).Message);
    }

    [Fact]
    public void BoxHeadChoicesLandInBothDetectorsAndInEveryRunName()
    {
        var plain = DetectionKd.Ablation(new DetectionKdSettings());
        Assert.All(plain, r => Assert.Equal((false, 1.0 / 9), (r.Detector.Head.Aligned, r.Detector.Head.SmoothL1Beta)));   // torchvision's
        Assert.Equal("", DetectionKd.ChoiceSuffix(new DetectionKdSettings()));

        var chosen = DetectionKd.Ablation(new DetectionKdSettings { RoiAligned = true, BoxSmoothL1Beta = 1 });
        Assert.All(chosen, r => Assert.Equal((true, 1.0), (r.Detector.Head.Aligned, r.Detector.Head.SmoothL1Beta)));
        Assert.Equal(plain.Select(r => r.Name + "-aligned-beta1"), chosen.Select(r => r.Name));
        Assert.All(chosen.Where(r => r.Teacher is not null), r => Assert.Equal("det-teacher-aligned-beta1", r.Teacher));
        Assert.All(chosen, r => r.Validate());
        Assert.Empty(plain.Select(r => r.Hash).Intersect(chosen.Select(r => r.Hash)));
        Assert.Equal("+ hint (aligned-beta1)", DetectionKd.LabelOf("det-hint-aligned-beta1"));
        Assert.Equal("det-hint", DetectionKd.RowOf("det-hint-beta0.5"));
        Assert.Equal("+ hint", DetectionKd.LabelOf("det-hint"));
        Assert.Null(DetectionKd.RowOf("det-hinted"));
        Assert.Throws<ArgumentOutOfRangeException>(() => DetectionKd.Ablation(new DetectionKdSettings { BoxSmoothL1Beta = 0 }));
    }

    [Fact]
    public void StudentIsGenuinelySmallerThanTheTeacher()
    {
        using var teacher = DetectionKd.TeacherDetector(paper: false).Create(10);
        using var student = DetectionKd.StudentDetector(paper: false).Create(10);
        var (t, s) = (DetectorCost.Of(teacher, "teacher", 96), DetectorCost.Of(student, "student", 96));
        Assert.True(t.Params > 10 * s.Params, $"{t} vs {s}");
        Assert.True(t.Flops > 10 * s.Flops, $"{t} vs {s}");
        Assert.True(t.BoxHeadParams > 4 * s.BoxHeadParams, $"{t} vs {s}");
    }

    [Fact]
    public void CostCountsBackboneAndRpnOncePerImageAndTheBoxHeadPerRoi()
    {
        // One stage of one 3x3 conv (3 -> 4 channels, no bias) + BN + ReLU at 8x8; 1 anchor; box head of width 5 on 2x2 RoI Align; 2 classes; 3 RoIs.
        var spec = new DetectorSpec
        {
            Name = "tiny", Widths = [4], AnchorSizes = [4], AspectRatios = [1.0],
            Rpn = new RpnSettings { PostNmsTopNTest = 3 }, Head = new RoiHeadsSettings { PooledSize = 2, RepresentationSize = 5 },
        };
        using var model = spec.Create(2);
        var cost = DetectorCost.Of(model, "tiny", 8);
        long backbone = 64 * 4 * 3 * 9;                            // conv MACs
        long rpn = 64 * 4 * 4 * 9 + 64 * 4 * 1 + 64 * 4 * 4;      // 3x3 conv, objectness 1x1, deltas 1x1
        long head = 3 * (16 * 5 + 5 * 5 + 5 * 3 + 5 * 12);         // per RoI: fc6, fc7, classifier, box regressor
        Assert.Equal(backbone + rpn + head, cost.Macs);
        long flops = 2 * backbone + 64 * 4 * 2 + 64 * 4            // conv (no bias), BatchNorm 2 per element, ReLU module 1 per element
                   + 2 * rpn + 64 * (4 + 1 + 4)                    // RPN convs and their bias adds (its ReLU is functional: not counted)
                   + 2 * head + 3 * (5 + 5 + 3 + 12);              // box head and its bias adds
        Assert.Equal(flops, cost.Flops);
        Assert.Equal(model.parameters().Sum(p => p.numel()), cost.Params);
        Assert.Equal((3, 16 * 5 + 5 + 5 * 5 + 5 + 5 * 3 + 3 + 5 * 12 + 12), (cost.Rois, cost.BoxHeadParams));
    }
}
