using System.Text.Json.Nodes;
using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>The paper-2 terms built from config data: shapes follow the models, typos and missing context are errors.</summary>
public class LossRegistryTests
{
    public LossRegistryTests() => TorchRuntime.Initialize(seed: 21, quiet: true);

    static readonly ModelSpec Student = new("resnet8", 10, InChannels: 1, ImageSize: 28);
    static readonly ModelSpec WideTeacher = new("resnet14", 10, InChannels: 1, ImageSize: 28, Width: 2);

    static LossContext Context(params ModelSpec[] teachers) => new(Student, teachers, seed: 5);

    static LossSpec Spec(string name, JsonObject? parameters = null) => new(name, 1, parameters);

    [Fact]
    public void TapChannelsAreProbedFromTheZooWithoutDisturbingTheGenerator()
    {
        Assert.Equal([16, 32, 64], LossContext.Channels(Student).Stages);
        manual_seed(99);
        var expected = randn(4).data<float>().ToArray();
        manual_seed(99);
        Assert.Equal([32, 64, 128], LossContext.Channels(WideTeacher with { Width = 2.0, NumClasses = 7 }).Stages);
        Assert.Equal(expected, randn(4).data<float>().ToArray());
        Assert.Equal((64, 64), (LossContext.Channels(Student).Named["backbone"], LossContext.Channels(Student).Named["pre_logits"]));
    }

    [Fact]
    public void GramTermsGetTheirPairsAndOneByOneAdaptationsFromTheModels()
    {
        var fsp = Assert.IsType<Fsp>(LossRegistry.Create(Spec("fsp", new() { ["stem"] = false }), Context(WideTeacher)));
        Assert.Equal([new LayerPair(0, 1), new LayerPair(1, 2)], fsp.Pairs);
        Assert.Equal("fsp", fsp.Key);
        var all = Assert.IsType<Fsp>(LossRegistry.Create(Spec("cross_layer", new() { ["stem"] = false, ["max_pooling"] = true }), Context(WideTeacher)));
        Assert.Equal([new LayerPair(0, 1), new LayerPair(0, 2), new LayerPair(1, 2)], all.Pairs);
        Assert.Equal((GramPooling.Max, "cross_layer"), (all.Pooling, all.Key));
        var far = Assert.IsType<Fsp>(LossRegistry.Create(
            Spec("cross_layer", new() { ["stem"] = false, ["pairs"] = "non_adjacent", ["mean_over_pairs"] = true }), Context(WideTeacher)));
        Assert.Equal([new LayerPair(0, 2)], far.Pairs);
        Assert.Equal(PairReduction.Mean, far.Reduction);
        var listed = Assert.IsType<Fsp>(LossRegistry.Create(
            Spec("cross_layer", new() { ["stem"] = false, ["pairs"] = new JsonArray(new JsonArray(0, 2), new JsonArray(1, 2)) }), Context(WideTeacher)));
        Assert.Equal([new LayerPair(0, 2), new LayerPair(1, 2)], listed.Pairs);
        // 16->32, 32->64, 64->128 without bias: the only parameters a Gram term owns.
        Assert.Equal(new long[] { 32 * 16, 64 * 32, 128 * 64 }, all.parameters().Select(p => p.numel()));
        Assert.Equal(new long[] { 32, 16, 1, 1 }, all.Adaptation.named_parameters().First().parameter.shape);

        var same = LossRegistry.Create(Spec("fsp", new() { ["stem"] = false }), Context(new ModelSpec("resnet20", 10, 1, 28)));
        Assert.Empty(same.parameters());
    }

    [Fact]
    public void ByDefaultTheGramLayersStartWithTheStemAsRepDistillersFeatureLists()
    {
        Assert.Equal(16, LossContext.Channels(Student).Stem);
        var fsp = Assert.IsType<Fsp>(LossRegistry.Create(Spec("fsp"), Context(WideTeacher)));
        Assert.True(fsp.Stem);
        Assert.Equal([new LayerPair(0, 1), new LayerPair(1, 2), new LayerPair(2, 3)], fsp.Pairs);   // 3 FSP pairs for a CIFAR ResNet
        Assert.Equal([16, 16, 32, 64], fsp.Adaptation.StudentChannels);
        Assert.Equal([32, 32, 64, 128], fsp.Adaptation.TeacherChannels);
        Assert.Equal(["adaptation.stem.weight", "adaptation.stage0.weight", "adaptation.stage1.weight", "adaptation.stage2.weight"], fsp.named_parameters().Select(p => p.name));
        var all = Assert.IsType<Fsp>(LossRegistry.Create(Spec("cross_layer"), Context(WideTeacher)));
        Assert.Equal([new(0, 1), new(0, 2), new(0, 3), new(1, 2), new(1, 3), new LayerPair(2, 3)], all.Pairs);
        var far = Assert.IsType<Fsp>(LossRegistry.Create(Spec("cross_layer", new() { ["pairs"] = "non_adjacent" }), Context(WideTeacher)));
        Assert.Equal([new(0, 2), new(0, 3), new LayerPair(1, 3)], far.Pairs);
        var stated = Assert.IsType<Fsp>(LossRegistry.Create(
            Spec("cross_layer", new() { ["stem"] = true, ["pairs"] = new JsonArray(new JsonArray(0, 3)) }), Context(WideTeacher)));
        Assert.Equal([new LayerPair(0, 3)], stated.Pairs);   // stem against the last stage

        var vgg = new LossContext(new ModelSpec("vgg6", 10, 1, 16), [new ModelSpec("vgg11", 10, 1, 16)], 0);
        Assert.Contains("stem is true but vgg6 taps no stem output",
            Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("fsp", new() { ["stem"] = true }), vgg)).Message);
    }

    [Fact]
    public void AVggTeacherIsMatchedOnItsFirstStagesAndTheLossRuns()
    {
        var student = new ModelSpec("vgg6", 10, 1, 16);
        var teacher = new ModelSpec("vgg11", 10, 1, 16);
        var term = Assert.IsType<Fsp>(LossRegistry.Create(Spec("cross_layer"), new LossContext(student, [teacher], 0)));
        Assert.False(term.Stem);   // VGG taps no stem: its first block is its first stage
        Assert.Equal(3, term.Pairs.Count);
        Assert.Equal([64, 128, 256], term.Adaptation.TeacherChannels);
        using var s = ModelZoo.Create(student);
        using var t = ModelZoo.Create(teacher);
        var x = randn(2, 1, 16, 16);
        Assert.Equal(5, t.call(x).Stages.Count);
        var loss = term.Compute(s.call(x), [t.call(x)], zeros(2, dtype: int64));
        Assert.True(loss.item<float>() > 0 && float.IsFinite(loss.item<float>()));
    }

    [Fact]
    public void LogitTermsReadTemperatureTeacherCountAndSeed()
    {
        var kl = Assert.IsType<HintonKd>(LossRegistry.Create(Spec("offline_kl", new() { ["temperature"] = 2 })));
        Assert.Equal((2.0, TeacherMixture.Single, 1, "offline_kl"), (kl.Temperature, kl.Mixture, kl.TeacherCount, kl.Key));
        var random = Assert.IsType<HintonKd>(LossRegistry.Create(Spec("offline_ensemble"), Context(Student, Student, Student)));
        Assert.Equal((3, 4.0, TeacherMixture.Dirichlet, 5), (random.TeacherCount, random.Temperature, random.Mixture, random.Seed));
        var mean = Assert.IsType<HintonKd>(LossRegistry.Create(Spec("offline_ensemble", new() { ["mixture"] = "mean" }), Context(Student, Student)));
        Assert.Equal((TeacherMixture.Mean, "offline_ensemble"), (mean.Mixture, mean.Key));
        var kd = Assert.IsType<HintonKd>(LossRegistry.Create(Spec("kd")));
        Assert.Equal((4.0, TeacherMixture.Mean, "kd"), (kd.Temperature, kd.Mixture, kd.Key));
        var fixedMix = Assert.IsType<HintonKd>(LossRegistry.Create(Spec("kd", new() { ["mixture"] = "fixed", ["weights"] = new JsonArray(1, 3) })));
        Assert.Equal([0.25, 0.75], fixedMix.Weights!);
    }

    [Fact]
    public void BadConfigsAreClearErrors()
    {
        Assert.Contains("LossContext", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("fsp"))).Message);
        Assert.Contains("exactly one teacher", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("fsp"), Context())).Message);
        Assert.Contains("Loss term 'fsp' has no parameter(s) max_pool. Allowed: stem, pairs, max_pooling, mean_over_pairs.",
            Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("fsp", new() { ["max_pool"] = true }), Context(Student))).Message);
        Assert.Contains("'cross_layer'", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("cross_layer", new() { ["max_pooling"] = 1 }), Context(Student))).Message);
        Assert.Contains("'cross_layer'", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("cross_layer", new() { ["pairs"] = "far" }), Context(Student))).Message);
        Assert.Contains("'cross_layer'", Assert.Throws<ArgumentException>(() =>
            LossRegistry.Create(Spec("cross_layer", new() { ["stem"] = false, ["pairs"] = new JsonArray(new JsonArray(0, 1, 2)) }), Context(Student))).Message);
        Assert.Contains("say whether layer 0 is the stem", Assert.Throws<ArgumentException>(() =>
            LossRegistry.Create(Spec("cross_layer", new() { ["pairs"] = new JsonArray(new JsonArray(0, 2)) }), Context(Student))).Message);
        Assert.Contains("layer pair #0 (0,3) is invalid", Assert.Throws<ArgumentException>(() =>
            LossRegistry.Create(Spec("cross_layer", new() { ["stem"] = false, ["pairs"] = new JsonArray(new JsonArray(0, 3)) }), Context(Student))).Message);
        Assert.Contains("'kd'", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("kd", new() { ["mixture"] = "median" }))).Message);
        Assert.Contains("Unknown loss term 'fsp-typo'", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("fsp-typo"))).Message);
        Assert.Contains("at least one teacher", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("offline_ensemble"), Context())).Message);
        var fewer = Assert.Throws<ArgumentException>(() =>
            LossRegistry.Create(Spec("fsp"), new LossContext(new ModelSpec("vgg11", 10, 1, 16), [new ModelSpec("vgg6", 10, 1, 16)], 0)));
        Assert.Contains("taps 3 stages, fewer than the student vgg11's 5", fewer.Message);
    }
}
