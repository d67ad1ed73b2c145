using Distill.Experiments;
using Distill.Experiments.Detection;
using Distill.Losses;
using Distill.Models.Detection;
using Distill.Runtime;
using Distill.Training;
using Distill.Training.Detection;

namespace Distill.Tests.Detection;

/// <summary>
/// The detection training runner on generated scenes: a teacher run, then a distilled student that is interrupted
/// after its first epoch and resumed, against the same student run without interruption.
/// </summary>
public sealed class DetectionRunnerTests : IClassFixture<SceneFixture>, IDisposable
{
    readonly SceneFixture scenes;
    readonly string results = Directory.CreateTempSubdirectory("det-results-").FullName;

    public DetectionRunnerTests(SceneFixture scenes)
    {
        TorchRuntime.Initialize(seed: 5, quiet: true);
        this.scenes = scenes;
    }

    public void Dispose() => Directory.Delete(results, recursive: true);

    static DetectorSpec Spec(string name, int[] widths, int head) => new()
    {
        Name = name,
        Widths = widths,
        AnchorSizes = [16, 32, 48],
        Rpn = new RpnSettings { PreNmsTopNTrain = 200, PostNmsTopNTrain = 100, PreNmsTopNTest = 100, PostNmsTopNTest = 50, BatchSizePerImage = 64 },
        Head = new RoiHeadsSettings { RepresentationSize = head, BatchSizePerImage = 32 },
    };

    static DetectionExperiment Teacher => new()
    {
        Name = "t", DataSet = DetectionDataSets.Scenes, ImageSize = SceneFixture.ImageSize, Detector = Spec("big", [16, 24, 32, 48, 64], 64),
        Epochs = 1, BatchSize = 4, Optimizer = OptimizerSpec.Sgd(0.02, 0.9, 1e-4), Seed = 1,
    };

    static DetectionExperiment Student => new()
    {
        Name = "s", DataSet = DetectionDataSets.Scenes, ImageSize = SceneFixture.ImageSize, Detector = Spec("small", [8, 8, 16, 16, 16], 32),
        Teacher = "t", Losses = DetectionDistillation.ChenEtAl(), Epochs = 2, BatchSize = 4,
        Optimizer = OptimizerSpec.Sgd(0.02, 0.9, 1e-4), Schedule = ScheduleSpec.Step(1, 0.5), Seed = 1,
    };

    DetectionRunner Runner(string store, IProgress<TrainingProgress>? progress = null) =>
        new(new ResultStore(Path.Combine(results, store)), scenes.Folder) { Progress = progress, Log = TextWriter.Null };

    sealed class KillAfterFirstEpoch : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.EpochEnd) throw new OperationCanceledException($"simulated kill after epoch {value.Epoch}");
        }
    }

    [Fact]
    public void InterruptedDistillationResumesToIdenticalWeights()
    {
        var straight = Runner("straight");
        straight.Run(Teacher);
        var reference = straight.Run(Student);

        Runner("interrupted").Run(Teacher);
        var interrupted = Runner("interrupted", new KillAfterFirstEpoch());
        Assert.Throws<OperationCanceledException>(() => interrupted.Run(Student));
        var folder = interrupted.Store.FolderOf(Student);
        Assert.True(File.Exists(Path.Combine(folder, "checkpoints", "epoch-0001.ckpt")));
        Assert.False(File.Exists(Path.Combine(folder, ResultStore.SummaryFile)));
        Assert.Null(interrupted.Store.TryLoad<DetectionExperiment, DetectionResult>(Student));

        var resumed = Runner("interrupted").Run(Student);

        Assert.False(resumed.Reused);
        Assert.Equal(reference.Config.Hash, resumed.Config.Hash);
        var (a, b) = (reference.History(), resumed.History());
        Assert.Equal(2, b.Count);
        Assert.All(a.Zip(b), p => Assert.True(p.First.SameResultAs(p.Second), $"{p.First} vs {p.Second}"));
        Assert.Equal(["bounded", "hint", "rcn_cls", "rcn_reg", "rpn_cls", "rpn_reg", "total"], b[0].Losses.Keys.Order());
        Assert.Equal([0.02, 0.01], b.Select(m => m.LearningRate));
        using var left = straight.LoadDetector(reference);
        using var right = Runner("interrupted").LoadDetector(resumed);
        var leftState = left.state_dict();
        var rightState = right.state_dict();
        Assert.Equal(leftState.Keys, rightState.Keys);
        foreach (var (key, value) in leftState)
            Assert.True((value == rightState[key]).all().item<bool>(), $"{key} differs after resuming");

        // A finished config is reused from its summary, without training.
        var again = Runner("interrupted", new KillAfterFirstEpoch()).Run(Student);
        Assert.True(again.Reused);
        Assert.Equal(resumed.Summary.MeanAp, again.Summary.MeanAp);
    }

    [Fact]
    public void TeacherRunNamesItsLossesAsTheDistillationDoesAndMissingTeacherIsExplained()
    {
        var runner = Runner("plain");
        var e = Student with { Name = "orphan", Teacher = "nobody" };
        var error = Assert.Throws<InvalidOperationException>(() => runner.Run(e));
        Assert.Contains("'nobody' has no finished run", error.Message);

        var teacher = runner.Run(Teacher);
        var metrics = Assert.Single(teacher.History());
        Assert.Equal(["rcn_cls", "rcn_reg", "rpn_cls", "rpn_reg", "total"], metrics.Losses.Keys.Order());
        Assert.Equal(metrics.Losses["total"], metrics.Losses["rpn_cls"] + metrics.Losses["rpn_reg"] + metrics.Losses["rcn_cls"] + metrics.Losses["rcn_reg"], 5);
        Assert.InRange(metrics.MeanAp, 0, 1);
        Assert.NotEmpty(metrics.AveragePrecision);
        Assert.Subset(Distill.Data.Detection.VocSceneGenerator.Classes.ToHashSet(), metrics.AveragePrecision.Keys.ToHashSet());
        Assert.Equal(Teacher.Hash, teacher.Summary.Hash);
        Assert.StartsWith("t-", Path.GetFileName(teacher.Folder));
    }

    [Fact]
    public void MissingScenesNameTheCommandThatMakesThem()
    {
        var runner = new DetectionRunner(new ResultStore(results), Path.Combine(results, "nowhere"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => runner.Run(Teacher));
        Assert.Contains($"data-prep make-voc --out {Path.Combine(results, "nowhere")}", error.Message);
    }
}
