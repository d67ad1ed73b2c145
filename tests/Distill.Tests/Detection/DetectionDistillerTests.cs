using Distill.Data.Detection;
using Distill.Losses;
using Distill.Models.Detection;
using Distill.Runtime;
using Distill.Training.Detection;

namespace Distill.Tests.Detection;

/// <summary>Steps of Chen et al. (2017): L = L_RPN + L_RCN + 0.5 L_hint decreases when repeated on generated scenes.</summary>
public class DetectionDistillerTests : IClassFixture<SceneFixture>
{
    readonly SceneFixture scenes;

    public DetectionDistillerTests(SceneFixture scenes)
    {
        TorchRuntime.Initialize(seed: 8, quiet: true);
        this.scenes = scenes;
    }

    [Fact]
    public void DistillationLossDecreasesOverSteps()
    {
        var student = SceneFixture.Detector(VggBackbone.Student());
        var teacher = SceneFixture.Detector(VggBackbone.Teacher());
        var distiller = SceneFixture.Distilling(student, teacher);
        var weights = DetectionDistillation.ChenEtAl().ToDictionary(l => l.Name, l => l.Weight);
        Assert.Equal((1.0, 0.5), (weights["rcn_reg"], weights["hint"]));
        var optimizer = SceneFixture.Sgd(distiller, 0.01);
        var rng = new Random(1);
        var source = new VocDetectionSource(VocDataset.Open(scenes.Root, "train"), SceneFixture.ImageSize, batchSize: 2, shuffle: false, flip: false);
        using var batch = source.Epoch(0).First();

        var steps = new List<IReadOnlyDictionary<string, double>>();
        for (int i = 0; i < 8; i++)
        {
            var values = SceneFixture.Step(distiller, optimizer, batch, rng);
            Assert.Equal(["rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg", "hint", "bounded", "total"], values.Keys);
            double expected = values["rpn_cls"] + values["rpn_reg"] + values["rcn_cls"] + values["rcn_reg"] + 0.5 * values["hint"];
            Assert.Equal(expected, values["total"], 4);
            steps.Add(values);
        }
        // Same batch eight times. The box-head regression term is taken on the RoIs sampled afresh at each step, so it
        // jumps with the sample; the other terms fall step after step, the box-head classifier and the hint the most.
        string trace = string.Join("; ", steps[0].Keys.Select(key => $"{key}: {string.Join(", ", steps.Select(v => v[key].ToString("F3")))}"));
        for (int i = 1; i < steps.Count; i++)
        {
            Assert.True(steps[i]["rcn_cls"] < steps[i - 1]["rcn_cls"], trace);
            Assert.True(steps[i]["hint"] < steps[i - 1]["hint"], trace);
        }
        double WithoutRcnReg(IReadOnlyDictionary<string, double> v) => v["total"] - v["rcn_reg"];
        Assert.True(WithoutRcnReg(steps[^1]) < WithoutRcnReg(steps[0]) - 0.03, trace);
    }

    [Fact]
    public void PlainStepTrainsOnFasterRcnnLosses()
    {
        var model = SceneFixture.Detector(VggBackbone.Student());
        var distiller = new DetectionDistiller(model);
        var optimizer = SceneFixture.Sgd(distiller, 0.02);
        var rng = new Random(2);
        var source = new VocDetectionSource(VocDataset.Open(scenes.Root, "train"), SceneFixture.ImageSize, batchSize: 2, shuffle: false, flip: false);
        using var batch = source.Epoch(0).First();
        var first = SceneFixture.Step(distiller, optimizer, batch, rng);
        // The detector's own losses ("rpn_objectness", "rpn_box", "rcn_cls", "rcn_box"), logged under the distillation's names.
        Assert.Equal(["rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg", "total"], first.Keys);
        for (int i = 0; i < 4; i++) SceneFixture.Step(distiller, optimizer, batch, rng);
        var last = SceneFixture.Step(distiller, optimizer, batch, rng);
        Assert.True(last["total"] < first["total"] - 0.1, $"first {string.Join(", ", first)}; last {string.Join(", ", last)}");
        Assert.True(last["rcn_cls"] < first["rcn_cls"] - 0.1, $"first {string.Join(", ", first)}; last {string.Join(", ", last)}");
    }

    [Fact]
    public void MismatchedAnchorsAreRefused()
    {
        var student = SceneFixture.Detector(VggBackbone.Student());
        var teacher = new FasterRcnn(VggBackbone.Teacher(), 10, new AnchorGenerator([16, 32], [1.0], 16));
        var e = Assert.Throws<ArgumentException>(() => SceneFixture.Distilling(student, teacher));
        Assert.Contains("anchors differ", e.Message);
        Assert.Throws<ArgumentException>(() => new DetectionDistiller(student, SceneFixture.Detector(VggBackbone.Teacher())));
    }

    [Fact]
    public void UnknownTermsAndParametersAreRefused()
    {
        Assert.Contains("Unknown detection loss term 'rpn_kd'", Assert.Throws<ArgumentException>(() => DetectionDistillation.Create(new LossSpec("rpn_kd"), 8, 16)).Message);
        var typo = new LossSpec("rcn_reg", 1.0, new System.Text.Json.Nodes.JsonObject { ["mu"] = 0.5 });
        Assert.Contains("has no parameter(s) mu", Assert.Throws<ArgumentException>(() => DetectionDistillation.Create(typo, 8, 16)).Message);
    }
}
