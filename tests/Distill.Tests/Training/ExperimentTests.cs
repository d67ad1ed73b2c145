using Distill.Experiments;
using Distill.Losses;
using Distill.Runtime;
using Distill.Training;

namespace Distill.Tests.Training;

[Collection("Training")]
public class ExperimentTests
{
    public ExperimentTests()
    {
        Fixtures.Initialize(41);
        Fixtures.Register();
    }

    static LossSpec Kd(double weight, double temperature) => LossSpec.Of(HintonKd.Names.Kd, weight, new HintonKd.Parameters { Temperature = temperature });

    [Fact]
    public void HashIsAStableFunctionOfTheConfigData()
    {
        var e = Fixtures.Experiment("hash", 2, new LossSpec("ce", 0.1), Kd(0.9, 4)) with { Teachers = [new TeacherSpec("teacher")] };
        var roundTrip = Experiment.FromJson(e.ToJson());
        Assert.Equal(e.Hash, roundTrip.Hash);
        Assert.Equal(e.ToJson(), roundTrip.ToJson());
        Assert.Matches("^[0-9a-f]{12}$", e.Hash);
        Assert.NotEqual(e.Hash, e.WithSeed(4).Hash);
        Assert.NotEqual(e.Hash, (e with { Losses = [new LossSpec("ce", 0.1), Kd(0.9, 8)] }).Hash);
        // Parameter order in the data does not matter.
        var a = new LossSpec("x", 1, new() { ["a"] = 1, ["b"] = new System.Text.Json.Nodes.JsonObject { ["d"] = 2.0, ["c"] = true } });
        var b = new LossSpec("x", 1, new() { ["b"] = new System.Text.Json.Nodes.JsonObject { ["c"] = true, ["d"] = 2 }, ["a"] = 1.0 });
        Assert.Equal((e with { Losses = [a] }).Hash, (e with { Losses = [b] }).Hash);
    }

    [Fact]
    public void BadConfigsNameTheFileAndTheProblem()
    {
        var bad = Assert.Throws<InvalidDataException>(() => Experiment.FromJson("""{ "name": "x", "dataSet": "d" }""", "cfg.json"));
        Assert.Contains("cfg.json", bad.Message);
        var invalid = Assert.Throws<InvalidDataException>(() => Experiment.FromJson(
            (Fixtures.Experiment("ok") with { Epochs = 0, Profile = "huge" }).ToJson(), "cfg.json"));
        Assert.Contains("epochs must be > 0", invalid.Message);
        Assert.Contains("profile 'huge'", invalid.Message);
    }

    [Fact]
    public void FinishedExperimentsAreReusedForcedRunsRetrainAndSeedsAggregate()
    {
        var store = new ResultStore(Fixtures.TempFolder());
        int reports = 0;
        var progress = new ProgressHook<TrainingProgress>(_ => reports++);
        var runner = new ExperimentRunner(store, DataSetCatalog.Resolve) { Progress = progress, CheckEvery = 4, Log = TextWriter.Null };
        var e = Fixtures.Experiment("reuse", 2);

        var first = runner.Run(e);
        Assert.False(first.Reused);
        Assert.True(reports > 0);
        foreach (var file in new[] { "config.json", "metrics.jsonl", "summary.json" })
            Assert.True(File.Exists(Path.Combine(first.Folder, file)), file);
        Assert.Equal(Path.Combine(store.Root, $"reuse-{e.Hash}"), first.Folder);
        Assert.Equal(first.History()[^1].TestTop1, first.Summary.TestTop1);

        reports = 0;
        var again = runner.Run(e);
        Assert.True(again.Reused);
        Assert.Equal(0, reports);
        Assert.Equal(first.Summary.Finished, again.Summary.Finished);          // the stored summary, not a new run
        Assert.Equal(first.Summary.TrainSeconds, again.Summary.TrainSeconds);
        // where it ran, as far as that decides the numbers: stored with the summary and read back
        Assert.Equal(TorchRuntime.Current.Arithmetic, again.Summary.Arithmetic);
        Assert.Contains($"; {TorchRuntime.Current.Threads} threads, oneDNN ", again.Summary.Arithmetic);

        var forced = new ExperimentRunner(store, DataSetCatalog.Resolve) { Force = true, Progress = progress, Log = TextWriter.Null }.Run(e);
        Assert.False(forced.Reused);
        Assert.True(reports > 0);
        Assert.True(forced.Summary.Finished > first.Summary.Finished);
        Assert.Equal(first.Summary.TestTop1, forced.Summary.TestTop1);   // same seed, same result

        var seeds = runner.RunSeeds(e, [3, 4]);
        Assert.True(seeds[0].Reused);                                     // seed 3 is the run above
        var aggregate = SeedAggregate.Of(seeds);
        Assert.Equal(2, aggregate.Runs);
        Assert.Equal((seeds[0].Summary.TestTop1 + seeds[1].Summary.TestTop1) / 2, aggregate.MeanTop1, 12);
        // The frames of these runs (ResultFrames) are tested in Distill.Reports.Tests.
    }

    [Fact]
    public void AnUnfinishedExperimentResumesFromItsLastCheckpoint()
    {
        var e = Fixtures.Experiment("resume", 3);
        var reference = new ExperimentRunner(new ResultStore(Fixtures.TempFolder()), DataSetCatalog.Resolve) { CheckEvery = 2, Log = TextWriter.Null }.Run(e);

        var store = new ResultStore(Fixtures.TempFolder());
        var kill = new ProgressHook<TrainingProgress>(p => { if (p is { Epoch: 1, Step: 4 }) throw new OperationCanceledException("simulated kill"); });
        Assert.Throws<OperationCanceledException>(() =>
            new ExperimentRunner(store, DataSetCatalog.Resolve) { CheckEvery = 2, Progress = kill, Log = TextWriter.Null }.Run(e));
        Assert.Null(store.TryLoad(e));
        Assert.Empty(store.Finished());
        Assert.True(File.Exists(Path.Combine(store.FolderOf(e), "checkpoints", "epoch-0001.ckpt")));

        var log = new StringWriter();
        var resumed = new ExperimentRunner(store, DataSetCatalog.Resolve) { CheckEvery = 2, Log = log }.Run(e);
        Assert.False(resumed.Reused);
        Assert.Contains("(1 of 3 epochs done)", log.ToString());
        Assert.Equal(reference.Summary.TestTop1, resumed.Summary.TestTop1);
        Assert.Equal(reference.Summary.TestLoss, resumed.Summary.TestLoss);
        var (expected, actual) = (reference.History(), resumed.History());
        Assert.Equal(3, actual.Count);
        for (int i = 0; i < 3; i++) Assert.True(expected[i].SameResultAs(actual[i]), $"epoch {i} metrics differ");
    }

    [Fact]
    public void MeanAndSampleStandardDeviation()
    {
        var (mean, std) = SeedAggregate.MeanStd([0.5, 0.7, 0.9]);
        Assert.Equal(0.7, mean, 12);
        Assert.Equal(0.2, std, 12);          // sqrt((0.04 + 0 + 0.04) / 2)
        Assert.Equal(0.0, SeedAggregate.MeanStd([0.8]).Std);
    }

    [Fact]
    public void StudentDistilsFromATeacherLoadedByNameAndATwoStageStartLoadsWeights()
    {
        var store = new ResultStore(Fixtures.TempFolder());
        var runner = new ExperimentRunner(store, DataSetCatalog.Resolve) { Log = TextWriter.Null };
        var missing = Assert.Throws<InvalidOperationException>(() =>
            runner.Run(Fixtures.Experiment("kd-early", 1, new LossSpec("ce", 0.5), Kd(0.5, 4)) with { Teachers = [new TeacherSpec("big")] }));
        Assert.Contains("'big' has no finished run", missing.Message);

        var teacherRun = runner.Run(Fixtures.Experiment("big", 2) with { Student = Fixtures.Spec with { Width = 2 } });
        using var teacher = ExperimentRunner.LoadStudent(teacherRun);
        var splits = DataSetCatalog.Resolve(new DataRequest(Fixtures.DataSet, Profiles.Smoke, 32, teacherRun.Config.Seed));
        Assert.Equal(teacherRun.Summary.TestTop1, DistillerTrainee.Evaluate(teacher, splits.Test).Top1, 12);

        var student = runner.Run(Fixtures.Experiment("kd", 1, new LossSpec("ce", 0.5), Kd(0.5, 4)) with { Teachers = [new TeacherSpec("big")] });
        Assert.Equal(["ce", "kd", "total"], student.History()[0].Losses.Keys.Order());
        Assert.True(student.History()[0].Losses["kd"] > 0);

        var stage2 = runner.Run(Fixtures.Experiment("stage2", 1) with { Student = Fixtures.Spec with { Width = 2 }, StartFrom = "big", Seed = 77 });
        Assert.False(stage2.Reused);
        var config = Assert.Single(store.Finished(), r => r.Config.Name == "stage2").Config;
        Assert.Equal("big", config.StartFrom);
        var fromScratch = runner.Run(Fixtures.Experiment("scratch", 1) with { Student = Fixtures.Spec with { Width = 2 }, Seed = 77 });
        Assert.True(stage2.Summary.TestTop1 >= fromScratch.Summary.TestTop1 || stage2.History()[0].Losses["ce"] < fromScratch.History()[0].Losses["ce"],
            "starting from the trained teacher weights should beat a random start after one epoch");
    }
}
