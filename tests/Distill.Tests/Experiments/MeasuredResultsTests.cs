using Distill.Experiments;
using Distill.Experiments.Papers;
using Distill.Runtime;

namespace Distill.Tests.Experiments;

/// <summary>
/// Runs too long for CI are committed under notebooks/measured/ and found from wherever a notebook runs (notebooks/
/// under VS Code, the repository root under the headless host). The committed cpu-profile runs of notebook 02 must
/// cover every experiment that profile asks for, or the notebook would silently start an hour of training.
/// </summary>
public class MeasuredResultsTests
{
    [Fact]
    public void MeasuredStoreIsFoundFromTheNotebookFolderTheRootAndBelow()
    {
        var root = Directory.CreateTempSubdirectory("measured-").FullName;
        try
        {
            var store = Directory.CreateDirectory(Path.Combine(root, "notebooks", "measured", "02-x")).FullName;
            var deep = Directory.CreateDirectory(Path.Combine(root, "lib", "a", "b")).FullName;
            foreach (var start in new[] { root, Path.Combine(root, "notebooks"), deep })
                Assert.Equal(store, ResultStore.Measured("02-x", start)!.Root);
            Assert.Null(ResultStore.Measured("03-y", root));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void LoadNamesEveryMissingRunAndTrainsNothing()
    {
        TorchRuntime.Initialize(seed: 0, quiet: true);
        var empty = new ResultStore(Directory.CreateTempSubdirectory("measured-").FullName);
        var setup = CrossLayerKd.Setup(Profiles.Cpu);
        Assert.Null(CrossLayerKd.Load(setup, empty, out var missing));
        // Every experiment Run would train, once: 3 teachers, per seed 7 student rows and 2 stage-1 runs (FSP, cross-layer)
        Assert.Equal(setup.EnsembleTeachers + (CrossLayerKd.Methods.Count - 1 + 2) * setup.Seeds.Count, missing.Count);
        Assert.Contains(missing, m => m.StartsWith("fmnist-resnet32-resnet8-stage1-cross-layer-stem seed 1 (" + empty.Root, StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("fmnist-resnet32-resnet8-full seed 2 (" + empty.Root, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty.Root));
    }

    /// <summary>
    /// The cpu profile's store also holds each measured method-choice alternative's runs (notebook 02's "Method choices"
    /// table reads them), and the stage-1 cross-layer model of each loads, for the Gram heatmaps of a notebook run with that choice.
    /// </summary>
    [Fact]
    public void CommittedCpuRunsCoverEveryMeasuredMethodChoice()
    {
        TorchRuntime.Initialize(seed: 0, quiet: true);
        var store = CommittedStore(CrossLayerKd.MeasuredStore);
        var cpu = CrossLayerKd.Setup(Profiles.Cpu);
        foreach (var (parameter, value) in CrossLayerKd.MeasuredAlternatives)
        {
            var setup = cpu.With(parameter, value);
            Assert.True(CrossLayerKd.Load(setup, store, out var missing) is not null, $"{parameter} = {value}: {string.Join("; ", missing)}");
            var stage1 = CrossLayerKd.Row(setup, setup.Pairs[0], CrossLayerKd.CrossLayer, 0)[^2];
            using var model = ExperimentRunner.LoadStudent(store.TryLoad(stage1)!);
        }
    }

    static ResultStore CommittedStore(string name)
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repo.FullName, "Notebooks.sln"))) repo = repo.Parent ?? throw new DirectoryNotFoundException("no Notebooks.sln above the test binaries");
        return new ResultStore(Path.Combine(repo.FullName, ResultStore.MeasuredFolder, name));
    }

    /// <summary>Each measured profile's committed runs cover every experiment the profile asks for, and the Gram heatmaps' models load.</summary>
    [Theory]
    [InlineData(Profiles.Cpu, CrossLayerKd.MeasuredStore)]
    [InlineData(Profiles.CpuFull, CrossLayerKd.MeasuredFullStore)]
    public void CommittedRunsCoverEveryExperimentOfTheProfileAndTheGramModelsLoad(string profile, string storeName)
    {
        TorchRuntime.Initialize(seed: 0, quiet: true);
        var store = CommittedStore(storeName);
        Assert.True(Directory.Exists(store.Root), $"{store.Root}: the {profile} profile's measured runs are not committed");
        var setup = CrossLayerKd.Setup(profile);
        var pair = setup.Pairs[0];
        var rows = CrossLayerKd.Load(setup, store, out var missing);
        Assert.Empty(missing);
        Assert.Equal(CrossLayerKd.Methods, rows!.Select(r => r.Method));
        Assert.All(rows!, r => Assert.Equal(r.Method == CrossLayerKd.Teacher ? setup.EnsembleTeachers : setup.Seeds.Count, r.Runs.Count));
        Assert.All(rows!.SelectMany(r => r.Runs), run => Assert.Equal(profile, run.Summary.Profile));

        // The Gram heatmaps load the teacher, the scratch student and the cross-layer stage-1 student of seed 0.
        var gramModels = new[]
        {
            CrossLayerKd.Row(setup, pair, CrossLayerKd.Teacher, 0)[^1],
            CrossLayerKd.Row(setup, pair, CrossLayerKd.Scratch, 0)[^1],
            CrossLayerKd.Row(setup, pair, CrossLayerKd.CrossLayer, 0)[^2],
        };
        foreach (var e in gramModels)
        {
            using var model = ExperimentRunner.LoadStudent(store.TryLoad(e)!);   // throws unless the final epoch's checkpoint is there
            using var fresh = Distill.Models.ModelZoo.Create(e.Student);
            Assert.False(model.parameters().First().cpu().allclose(fresh.parameters().First()), $"{e.Name}: trained weights expected");
        }
    }
}
