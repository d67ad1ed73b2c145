using Distill.Experiments;
using Distill.Experiments.Papers;
using Distill.Losses;
using Distill.Runtime;

namespace Distill.Tests.Experiments;

/// <summary>The row configs of the cross-layer KD notebook: what each row trains, on which teachers, from which start.</summary>
public class CrossLayerKdTests
{
    public CrossLayerKdTests() => TorchRuntime.Initialize(seed: 0, quiet: true);   // rows probe whether the models tap a stem

    static readonly CrossLayerSetup Smoke = CrossLayerKd.Setup(Profiles.Smoke);

    static IReadOnlyList<Experiment> Row(string method, int seed = 0) => CrossLayerKd.Row(Smoke, Smoke.Pairs[0], method, seed);

    [Fact]
    public void TwoStageRowsStartFromTheirGramStageAndShareTheCrossLayerOne()
    {
        var stage1 = Row(CrossLayerKd.CrossLayer)[^2];
        Assert.Equal(["1*cross_layer(stem=true)"], stage1.Losses.Select(l => l.ToString()));
        Assert.Equal(Smoke.Stage1Epochs, stage1.Epochs);
        foreach (var method in new[] { CrossLayerKd.CrossLayer, CrossLayerKd.PlusKl, CrossLayerKd.PlusEnsemble, CrossLayerKd.Full })
        {
            var row = Row(method);
            Assert.Equal(stage1.Hash, row[^2].Hash);                 // one stage-1 run serves four rows
            Assert.Equal(stage1.Name, row[^1].StartFrom);
            Assert.Equal("ce", row[^1].Losses[0].Name);
        }
        var fsp = Row(CrossLayerKd.Fsp);
        Assert.Equal(["1*fsp(stem=true)"], fsp[^2].Losses.Select(l => l.ToString()));
        Assert.Equal(fsp[^2].Name, fsp[^1].StartFrom);
        Assert.Null(Row(CrossLayerKd.Scratch).Single().StartFrom);
    }

    [Fact]
    public void EnsembleRowsUseEveryTeacherSeedAndSingleTeacherRowsSeedZero()
    {
        var full = Row(CrossLayerKd.Full, seed: 2)[^1];
        Assert.Equal(Enumerable.Range(0, Smoke.EnsembleTeachers).Select(k => (int?)k), full.Teachers.Select(t => t.Seed));
        Assert.Equal("1*offline_ensemble(temperature=4)", full.Losses[1].ToString());
        Assert.Equal("1*offline_ensemble(mixture=mean, temperature=4)", Row(CrossLayerKd.PlusEnsemble)[^1].Losses[1].ToString());
        Assert.Equal(new int?[] { 0 }, Row(CrossLayerKd.PlusKl, seed: 2)[^1].Teachers.Select(t => t.Seed));
        Assert.Equal(["0.1*ce", "0.9*kd(temperature=4)"], Row(CrossLayerKd.Hinton)[^1].Losses.Select(l => l.ToString()));
        Assert.Equal(2, full.Seed);
        Assert.Equal(1, Row(CrossLayerKd.Teacher, seed: 1).Single().Seed);
        Assert.All(Row(CrossLayerKd.Full), e => Assert.Equal(((int?)1024, (int?)512), (e.TrainImages, e.TestImages)));
    }

    [Fact]
    public void MethodChoicesLandInTheConfigsWithTheReferenceChoicesByDefault()
    {
        // defaults: RepDistiller's stem (ResNet-20 and ResNet-8 tap one), every cross-layer pair, T = 4
        Assert.Equal((null, PairRule.All, 4.0), (Smoke.GramStem, Smoke.CrossLayerPairs, Smoke.OfflineKlTemperature));
        Assert.Equal("1*offline_kl(temperature=4)", Row(CrossLayerKd.PlusKl)[^1].Losses[1].ToString());
        var other = Smoke with { GramStem = false, CrossLayerPairs = PairRule.NonAdjacent, OfflineKlTemperature = 1 };
        IReadOnlyList<Experiment> OtherRow(string method) => CrossLayerKd.Row(other, other.Pairs[0], method, 0);
        Assert.Equal("1*fsp(stem=false)", OtherRow(CrossLayerKd.Fsp)[^2].Losses.Single().ToString());
        Assert.Equal("1*cross_layer(pairs=non_adjacent, stem=false)", OtherRow(CrossLayerKd.CrossLayer)[^2].Losses.Single().ToString());
        Assert.Equal("1*offline_kl(temperature=1)", OtherRow(CrossLayerKd.PlusKl)[^1].Losses[1].ToString());
        Assert.Equal("1*offline_ensemble(mixture=mean, temperature=1)", OtherRow(CrossLayerKd.PlusEnsemble)[^1].Losses[1].ToString());
        Assert.Equal("1*offline_ensemble(temperature=1)", OtherRow(CrossLayerKd.Full)[^1].Losses[1].ToString());
        Assert.Equal("0.9*kd(temperature=4)", OtherRow(CrossLayerKd.Hinton)[^1].Losses[1].ToString());   // Hinton KD keeps its T
        Assert.NotEqual(Row(CrossLayerKd.Fsp)[^2].Hash, OtherRow(CrossLayerKd.Fsp)[^2].Hash);
        // stage 2 starts from stage 1 by name: the names carry the choices, so the stage-2 configs change with them
        Assert.Equal(["fmnist-resnet20-resnet8-stage1-fsp-stem", "fmnist-resnet20-resnet8-stage1-fsp"],
            new[] { Row(CrossLayerKd.Fsp)[^1].StartFrom!, OtherRow(CrossLayerKd.Fsp)[^1].StartFrom! });
        Assert.Equal("fmnist-resnet20-resnet8-stage1-cross-layer-non-adjacent", OtherRow(CrossLayerKd.CrossLayer)[^1].StartFrom);
        Assert.NotEqual(Row(CrossLayerKd.CrossLayer)[^1].Hash, OtherRow(CrossLayerKd.CrossLayer)[^1].Hash);
        // the configs build: stem + 3 stages of ResNet-8 (channels 16, 16, 32, 64)
        var context = new LossContext(Smoke.Pairs[0].Student, [Smoke.Pairs[0].Teacher], 0);
        var fsp = Assert.IsType<Fsp>(LossRegistry.Create(Row(CrossLayerKd.Fsp)[^2].Losses.Single(), context));
        Assert.Equal(3, fsp.Pairs.Count);
        var far = Assert.IsType<Fsp>(LossRegistry.Create(OtherRow(CrossLayerKd.CrossLayer)[^2].Losses.Single(), context));
        Assert.Equal([new LayerPair(0, 2)], far.Pairs);
        // a VGG pair has no stem to include: its default config says so
        var cifar = CrossLayerKd.Setup(Profiles.Paper, "cifar100");
        Assert.Equal("1*fsp(stem=false)", CrossLayerKd.Row(cifar, cifar.Pairs[0], CrossLayerKd.Fsp, 0)[^2].Losses.Single().ToString());
        Assert.Equal("1*fsp(stem=true)", CrossLayerKd.Row(cifar, cifar.Pairs[1], CrossLayerKd.Fsp, 0)[^2].Losses.Single().ToString());
    }

    [Fact]
    public void NotebookParametersChooseTheOpenMethodChoices()
    {
        var cpu = CrossLayerKd.Setup(Profiles.Cpu);
        Assert.Equal(cpu, cpu.Choose("reference", "all", 4));   // the notebook's defaults leave every profile as it is
        var chosen = Smoke.Choose(" Stages ", "non-adjacent", 1);
        Assert.Equal((false, PairRule.NonAdjacent, 1.0), (chosen.GramStem, chosen.CrossLayerPairs, chosen.OfflineKlTemperature));
        Assert.True(cpu.Choose("stem+stages", "all", 4).GramStem);
        Assert.Equal("GramLayers 'stem': use reference, stem+stages or stages.",
            Assert.Throws<ArgumentException>(() => Smoke.Choose("stem", "all", 4)).Message);
        Assert.Equal("CrossLayerPairs 'adjacent': use all or non-adjacent.",
            Assert.Throws<ArgumentException>(() => Smoke.Choose("reference", "adjacent", 4)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Smoke.Choose("reference", "all", 0));
    }

    [Fact]
    public void EachMeasuredAlternativeChangesExactlyTheRowsThatUseIt()
    {
        var cpu = CrossLayerKd.Setup(Profiles.Cpu);
        var pair = cpu.Pairs[0];
        string[] Changed(CrossLayerSetup other) => CrossLayerKd.Methods
            .Where(m => CrossLayerKd.Row(cpu, pair, m, 1)[^1].Hash != CrossLayerKd.Row(other, pair, m, 1)[^1].Hash).ToArray();
        var changed = CrossLayerKd.MeasuredAlternatives.Select(a => Changed(cpu.With(a.Parameter, a.Value))).ToList();
        Assert.Equal([CrossLayerKd.Fsp, CrossLayerKd.CrossLayer, CrossLayerKd.PlusKl, CrossLayerKd.PlusEnsemble, CrossLayerKd.Full], changed[0]);
        Assert.Equal([CrossLayerKd.CrossLayer, CrossLayerKd.PlusKl, CrossLayerKd.PlusEnsemble, CrossLayerKd.Full], changed[1]);
        Assert.Equal([CrossLayerKd.PlusKl, CrossLayerKd.PlusEnsemble, CrossLayerKd.Full], changed[2]);
        // each is one parameter of Choose, by the notebook parameter's name
        Assert.Equal(cpu.Choose("stages", "all", 4), cpu.With(CrossLayerKd.GramLayers, "stages"));
        Assert.Equal(cpu.Choose("reference", "non-adjacent", 4), cpu.With(CrossLayerKd.CrossLayerPairs, "non-adjacent"));
        Assert.Equal(cpu.Choose("reference", "all", 1), cpu.With(CrossLayerKd.OfflineKlTemperature, "1"));
        Assert.Equal(0.5, cpu.With(CrossLayerKd.OfflineKlTemperature, "5e-1").OfflineKlTemperature);
        Assert.Equal("OfflineKlTemperature 'four': expected a number.",
            Assert.Throws<ArgumentException>(() => cpu.With(CrossLayerKd.OfflineKlTemperature, "four")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => cpu.With(CrossLayerKd.OfflineKlTemperature, "-1"));
        Assert.Contains("No method choice 'Temperature'", Assert.Throws<ArgumentException>(() => cpu.With("Temperature", "1")).Message);
    }

    [Fact]
    public void ProfilesPickThePairsAndOverridesApply()
    {
        Assert.Equal(["fmnist-resnet20-resnet8"], Smoke.Pairs.Select(p => p.Key));
        var cifar = CrossLayerKd.Setup(Profiles.Paper, "cifar100");
        Assert.Equal(new[] { 3.57, 4.38 }, cifar.Pairs.Select(p => p.PaperGain!.Value));
        Assert.Equal(("vgg11", "vgg6", 100, 3, 32), (cifar.Pairs[0].Teacher.Name, cifar.Pairs[0].Student.Name,
            cifar.Pairs[0].Student.NumClasses, cifar.Pairs[0].Student.InChannels, cifar.Pairs[0].Student.ImageSize));
        Assert.Equal(3, cifar.Seeds.Count);
        Assert.Null(cifar.TrainImages);
        var small = CrossLayerKd.Setup(Profiles.Smoke, seeds: 3, trainImages: 128);
        Assert.Equal(new[] { 0, 1, 2 }, small.Seeds);
        Assert.Equal((128, 512), (small.TrainImages!.Value, small.TestImages!.Value));
        Assert.Contains("smoke profile runs on fashion-mnist only", Assert.Throws<ArgumentException>(() => CrossLayerKd.Setup(Profiles.Smoke, "cifar100")).Message);
        Assert.Contains("Unknown method", Assert.Throws<ArgumentException>(() => Row("dark knowledge")).Message);
    }

    [Fact]
    public void CpuProfileIsThePapersResNetPairOnAFashionMnistSubsetWithThreeSeedsAndThreeTeachers()
    {
        var cpu = CrossLayerKd.Setup(Profiles.Cpu);
        var pair = Assert.Single(cpu.Pairs);
        Assert.Equal(("fmnist-resnet32-resnet8", "resnet32", "resnet8", 10, 1, 28), (pair.Key, pair.Teacher.Name, pair.Student.Name,
            pair.Student.NumClasses, pair.Student.InChannels, pair.Student.ImageSize));
        Assert.Equal((10, 4, 128, 3), (cpu.Epochs, cpu.Stage1Epochs, cpu.BatchSize, cpu.EnsembleTeachers));
        Assert.Equal(new[] { 0, 1, 2 }, cpu.Seeds);
        Assert.Equal((10240, 5000), (cpu.TrainImages!.Value, cpu.TestImages!.Value));
        Assert.Equal((null, PairRule.All, 4.0), (cpu.GramStem, cpu.CrossLayerPairs, cpu.OfflineKlTemperature));   // the reference choices
        var full = CrossLayerKd.Row(cpu, pair, CrossLayerKd.Full, 1);
        Assert.All(full, e => Assert.Equal(Profiles.Cpu, e.Profile));
        Assert.Equal(3, full[^1].Teachers.Count);
        Assert.NotEqual(Row(CrossLayerKd.Scratch)[0].Hash,                         // the profile names its own results
            CrossLayerKd.Row(Smoke with { Profile = Profiles.Cpu }, Smoke.Pairs[0], CrossLayerKd.Scratch, 0)[0].Hash);
        Assert.Contains("cpu profile runs on fashion-mnist only", Assert.Throws<ArgumentException>(() => CrossLayerKd.Setup(Profiles.Cpu, "cifar100")).Message);
    }

    [Fact]
    public void CpuFullProfileIsTheCpuRecipeOnAllOfFashionMnistForFifteenEpochs()
    {
        var cpu = CrossLayerKd.Setup(Profiles.Cpu);
        var full = CrossLayerKd.Setup(Profiles.CpuFull);
        Assert.Null(full.GramStem);   // the default: stem + stages, as RepDistiller taps them
        Assert.Equal(cpu.Pairs, full.Pairs);
        Assert.Equal((15, 5, 128, 0.1, 3), (full.Epochs, full.Stage1Epochs, full.BatchSize, full.LearningRate, full.EnsembleTeachers));
        Assert.Equal(new[] { 0, 1, 2 }, full.Seeds);
        Assert.Equal((null, null), (full.TrainImages, full.TestImages));   // all 60,000 / 10,000
        var row = CrossLayerKd.Row(full, full.Pairs[0], CrossLayerKd.Fsp, 2);
        Assert.All(row, e => Assert.Equal((Profiles.CpuFull, (int?)null), (e.Profile, e.TrainImages)));
        Assert.Equal([15, 15, 15, 5, 15], row.Select(e => e.Epochs));
        Assert.DoesNotContain(CrossLayerKd.Row(cpu, cpu.Pairs[0], CrossLayerKd.Fsp, 2).Select(e => e.Hash), h => row.Any(e => e.Hash == h));
        Assert.Contains("cpu-full profile runs on fashion-mnist only", Assert.Throws<ArgumentException>(() => CrossLayerKd.Setup(Profiles.CpuFull, "cifar100")).Message);
    }
}
