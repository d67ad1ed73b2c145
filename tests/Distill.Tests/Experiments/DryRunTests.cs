using Distill.Data;
using Distill.Experiments;
using Distill.Experiments.Papers;
using Distill.Tests.Training;
using Distill.Training;

namespace Distill.Tests.Experiments;

/// <summary>
/// The dry-run cap (environment/dry-run.sh): parsing, what it does to a config, and the cheapest part of the paper
/// profiles' dry run end to end: notebook 02's CIFAR-100 ResNet-32 teacher at the paper's size (100 classes, 32x32,
/// batch 128) on generated CIFAR-100 in the official binary format, capped, checkpointed, interrupted and resumed.
/// </summary>
[Collection("Training")]
public class DryRunTests
{
    public DryRunTests() => Fixtures.Initialize(7);

    [Fact]
    public void ParsesDefaultsKeysAndNoCap()
    {
        Assert.Null(DryRun.Parse(null));
        Assert.Null(DryRun.Parse(""));
        Assert.Null(DryRun.Parse("0"));
        Assert.Equal(new DryRun(2, 2, 1, null), DryRun.Parse("1"));
        Assert.Equal(new DryRun(3, 5, 2, 4), DryRun.Parse("epochs=3, steps=5,eval=2,batch=4"));
        Assert.Contains("unknown key 'step'", Assert.Throws<ArgumentException>(() => DryRun.Parse("step=2")).Message);
        Assert.Contains("'steps=0'", Assert.Throws<ArgumentException>(() => DryRun.Parse("steps=0")).Message);
    }

    static Experiment Cifar100Teacher()
    {
        var setup = CrossLayerKd.Setup(Profiles.Paper, "cifar100");
        var pair = setup.Pairs.Single(p => p.Teacher.Name == "resnet32");
        return CrossLayerKd.Row(setup, pair, CrossLayerKd.Teacher, 0).Single();
    }

    [Fact]
    public void TheCapIsPartOfTheConfigSoItHasItsOwnFolder()
    {
        var real = Cifar100Teacher();
        var capped = new DryRun(Batch: 64).Limit(real);
        Assert.Equal((200, 128, (int?)null, (int?)null), (real.Epochs, real.BatchSize, real.TrainImages, real.TestImages));
        Assert.Equal((2, 64, (int?)128, (int?)64), (capped.Epochs, capped.BatchSize, capped.TrainImages, capped.TestImages));
        Assert.NotEqual(real.Hash, capped.Hash);
        Assert.DoesNotContain("dryRun", real.ToJson());                 // real configs (and their hashes) are unchanged
        Assert.Equal(capped.Hash, Experiment.FromJson(capped.ToJson()).Hash);
        Assert.Equal(capped, new DryRun(Batch: 64).Limit(capped));      // capping twice changes nothing
    }

    [Fact]
    public void Cifar100TeacherAtPaperSizeTrainsCheckpointsAndResumesExactly()
    {
        var data = Fixtures.TempFolder();
        DataCatalog.Write(SyntheticImages.Generate(Cifar100.Name, 300, 150, seed: 1), Path.Combine(data, "cifar100"));
        var images = DataCatalog.Load(Cifar100.Name, Path.Combine(data, "cifar100"));
        var info = DataCatalog.Info(Cifar100.Name);
        DataSplits Resolve(DataRequest r) => new(
            new DeviceImageLoader(images.Train.Take(r.TrainImages!.Value), images.NumClasses, info.TrainOptions(r.BatchSize, r.Seed)),
            new DeviceImageLoader(images.Test.Take(r.TestImages!.Value), images.NumClasses, info.TestOptions(r.BatchSize)));
        var e = new DryRun().Limit(Cifar100Teacher());

        var whole = new ExperimentRunner(new ResultStore(Fixtures.TempFolder()), Resolve) { Log = TextWriter.Null }.Run(e);
        var history = whole.History();
        Assert.Equal(2, history.Count);
        Assert.All(history, m => Assert.True(double.IsFinite(m.TestLoss)));
        Assert.Equal(470_004, whole.Summary.StudentParameters);                    // ResNet-32 (464,154 with 10 classes) + 90 more outputs
        Assert.True(File.Exists(Path.Combine(whole.Folder, DryRun.MemoryFile)));
        Assert.Contains("peakRssMiB", File.ReadAllText(Path.Combine(whole.Folder, DryRun.MemoryFile)));

        // The same run, interrupted after epoch 1 (summary and newest checkpoint gone), resumes to the same numbers.
        var store = new ResultStore(Fixtures.TempFolder());
        var runner = new ExperimentRunner(store, Resolve) { Log = TextWriter.Null };
        var first = runner.Run(e);
        var epoch1 = File.ReadLines(Path.Combine(first.Folder, ResultStore.MetricsFile)).First();
        File.Delete(Path.Combine(first.Folder, ResultStore.SummaryFile));
        File.Delete(Directory.GetFiles(Path.Combine(first.Folder, ResultStore.CheckpointsFolder)).Order().Last());
        var resumed = runner.Run(e);
        Assert.False(resumed.Reused);
        Assert.Equal(epoch1, File.ReadLines(Path.Combine(resumed.Folder, ResultStore.MetricsFile)).First());
        Assert.Equal(whole.Summary.TestLoss, resumed.Summary.TestLoss);
        Assert.Equal(whole.Summary.TestTop1, resumed.Summary.TestTop1);

        // Outside a dry run (DISTILL_DRY_RUN unset) the store shows no dry-run result, so none can be a real run's teacher.
        Assert.Null(DryRun.Current);
        Assert.Empty(store.Finished());
        Assert.Throws<InvalidOperationException>(() => store.FindTeacher(new TeacherSpec(e.Name), 0));
    }
}
