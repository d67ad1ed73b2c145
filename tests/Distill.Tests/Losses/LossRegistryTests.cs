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

    static LossSpec Spec(string name, params (string Key, double Value)[] parameters) =>
        new(name, 1, parameters.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public void StageChannelsAreProbedFromTheZooWithoutDisturbingTheGenerator()
    {
        Assert.Equal([16, 32, 64], LossContext.StageChannels(Student));
        manual_seed(99);
        var expected = randn(4).data<float>().ToArray();
        manual_seed(99);
        Assert.Equal([32, 64, 128], LossContext.StageChannels(WideTeacher with { Width = 2.0, NumClasses = 7 }));
        Assert.Equal(expected, randn(4).data<float>().ToArray());
    }

    [Fact]
    public void GramTermsGetTheirPairsAndOneByOneAdaptationsFromTheModels()
    {
        var fsp = Assert.IsType<Fsp>(LossRegistry.Create(Spec("fsp"), Context(WideTeacher)));
        Assert.Equal([new LayerPair(0, 1), new LayerPair(1, 2)], fsp.Pairs);
        var all = Assert.IsType<CrossLayerGram>(LossRegistry.Create(Spec("cross_layer", ("max_pooling", 1)), Context(WideTeacher)));
        Assert.Equal([new LayerPair(0, 1), new LayerPair(0, 2), new LayerPair(1, 2)], all.Pairs);
        Assert.Equal(GramPooling.Max, all.Pooling);
        var far = Assert.IsType<CrossLayerGram>(LossRegistry.Create(Spec("cross_layer", ("min_gap", 2), ("mean_over_pairs", 1)), Context(WideTeacher)));
        Assert.Equal([new LayerPair(0, 2)], far.Pairs);
        Assert.Equal(PairReduction.Mean, far.Reduction);
        // 16->32, 32->64, 64->128 without bias: the only parameters a Gram term owns.
        Assert.Equal(new long[] { 32 * 16, 64 * 32, 128 * 64 }, all.parameters().Select(p => p.numel()));
        Assert.Equal(new long[] { 32, 16, 1, 1 }, all.Adaptation.named_parameters().First().parameter.shape);

        var same = LossRegistry.Create(Spec("fsp"), Context(new ModelSpec("resnet20", 10, 1, 28)));
        Assert.Empty(same.parameters());
    }

    [Fact]
    public void AVggTeacherIsMatchedOnItsFirstStagesAndTheLossRuns()
    {
        var student = new ModelSpec("vgg6", 10, 1, 16);
        var teacher = new ModelSpec("vgg11", 10, 1, 16);
        var term = Assert.IsType<CrossLayerGram>(LossRegistry.Create(Spec("cross_layer"), new LossContext(student, [teacher], 0)));
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
        var kl = Assert.IsType<OfflineKl>(LossRegistry.Create(Spec("offline_kl", ("temperature", 2))));
        Assert.Equal(2, kl.Temperature);
        var random = Assert.IsType<OfflineEnsemble>(LossRegistry.Create(Spec("offline_ensemble"), Context(Student, Student, Student)));
        Assert.Equal((3, 4.0, EnsembleWeighting.Random, 5), (random.TeacherCount, random.Temperature, random.Weighting, random.Seed));
        var mean = Assert.IsType<OfflineEnsemble>(LossRegistry.Create(Spec("offline_ensemble", ("mean", 1)), Context(Student, Student)));
        Assert.Equal(EnsembleWeighting.Mean, mean.Weighting);
    }

    [Fact]
    public void BadConfigsAreClearErrors()
    {
        Assert.Contains("LossContext", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("fsp"))).Message);
        Assert.Contains("exactly one teacher", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("fsp"), Context())).Message);
        Assert.Contains("max_pool", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("fsp", ("max_pool", 1)), Context(Student))).Message);
        Assert.Contains("0 or 1", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("cross_layer", ("max_pooling", 2)), Context(Student))).Message);
        Assert.Contains("min_gap", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("cross_layer", ("min_gap", 0.5)), Context(Student))).Message);
        Assert.Contains("at least one teacher", Assert.Throws<ArgumentException>(() => LossRegistry.Create(Spec("offline_ensemble"), Context())).Message);
        var fewer = Assert.Throws<ArgumentException>(() =>
            LossRegistry.Create(Spec("fsp"), new LossContext(new ModelSpec("vgg11", 10, 1, 16), [new ModelSpec("vgg6", 10, 1, 16)], 0)));
        Assert.Contains("taps 3 stages, fewer than the student vgg11's 5", fewer.Message);
    }
}
