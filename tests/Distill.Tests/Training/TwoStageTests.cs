using Distill.Experiments;
using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// Two-stage KD through the experiment runner (stage 1: Gram matrices only; stage 2: labels + KL / ensemble, started
/// from stage 1) and the resume of an offline-ensemble run.
/// </summary>
[Collection("Training")]
public class TwoStageTests
{
    static readonly ModelSpec Net = new(TwoStageNet.Name, NumClasses: 4, InChannels: 1, ImageSize: 8);

    public TwoStageTests()
    {
        Fixtures.Initialize(43);
        Fixtures.Register();
        TwoStageNet.Register();
    }

    static Dictionary<string, double[]> Parameters(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().to(float64).data<double>().ToArray());

    static double MaxDifference(Dictionary<string, double[]> a, Dictionary<string, double[]> b)
    {
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        return a.Max(kv => kv.Value.Zip(b[kv.Key], (x, y) => Math.Abs(x - y)).Max());
    }

    [Fact]
    public void StageTwoStartsFromTheStageOneStudentAndTheAdaptationIsNotPartOfIt()
    {
        var store = new ResultStore(Fixtures.TempFolder());
        var runner = new ExperimentRunner(store, DataSetCatalog.Resolve) { Log = TextWriter.Null };
        runner.Run(Fixtures.Experiment("gram-teacher", 1) with { Student = Net with { Width = 2 } });
        var stage1 = runner.Run(Fixtures.Experiment("stage1", 2, new LossSpec(Fsp.Names.CrossLayer)) with
        {
            Student = Net,
            Teachers = [new TeacherSpec("gram-teacher")],
        });
        Assert.Equal(["cross_layer", "total"], stage1.History()[0].Losses.Keys.Order());

        // The checkpoint holds the 1x1 adaptations (4->8 and 8->16 channels); the student's size does not count them.
        using var fresh = ModelZoo.Create(Net);
        long studentParameters = fresh.parameters().Sum(p => p.numel());
        Assert.Equal(studentParameters, stage1.Summary.StudentParameters);
        using var trained = ExperimentRunner.LoadStudent(stage1);
        Assert.Equal(studentParameters, trained.parameters().Sum(p => p.numel()));

        var stage2 = runner.Run(Fixtures.Experiment("stage2", 1) with
        {
            Student = Net,
            StartFrom = "stage1",
            Optimizer = OptimizerSpec.Sgd(1e-12, weightDecay: 0),   // (almost) no step: the final weights are the start weights
        });
        using var handedOver = ExperimentRunner.LoadStudent(stage2);
        Assert.True(MaxDifference(Parameters(trained), Parameters(handedOver)) < 1e-6);

        // ...and they are not what a fresh student of that seed starts from.
        TorchRuntime.Seed(stage2.Config.Seed, cudaToo: false);
        using var initial = ModelZoo.Create(Net);
        Assert.True(MaxDifference(Parameters(initial), Parameters(handedOver)) > 1e-3);
    }

    [Fact]
    public void AnInterruptedEnsembleRunResumesWithTheSameRandomTeacherWeights()
    {
        var e = Fixtures.Experiment("ensemble", 3, new LossSpec(CrossEntropy.Name, 0.5),
                LossSpec.Of(HintonKd.Names.OfflineEnsemble, 0.5, new HintonKd.Parameters { Temperature = 2 })) with
        {
            Teachers = [new TeacherSpec("ens-teacher", 0), new TeacherSpec("ens-teacher", 1)],
        };
        ExperimentRunner Runner(ResultStore store, IProgress<TrainingProgress>? progress = null) =>
            new(store, DataSetCatalog.Resolve) { CheckEvery = 2, Progress = progress, Log = TextWriter.Null };
        ResultStore WithTeachers()
        {
            var store = new ResultStore(Fixtures.TempFolder());
            Runner(store).RunSeeds(Fixtures.Experiment("ens-teacher", 1), [0, 1]);
            return store;
        }

        var reference = Runner(WithTeachers()).Run(e);
        var interrupted = WithTeachers();
        var kill = new ProgressHook<TrainingProgress>(p => { if (p is { Epoch: 1, Step: 4 }) throw new OperationCanceledException("simulated kill"); });
        Assert.Throws<OperationCanceledException>(() => Runner(interrupted, kill).Run(e));
        var resumed = Runner(interrupted).Run(e);

        var (expected, actual) = (reference.History(), resumed.History());
        Assert.Equal(3, actual.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(expected[i].SameResultAs(actual[i]), $"epoch {i} metrics differ");
            Assert.Equal(expected[i].Losses["offline_ensemble"], actual[i].Losses["offline_ensemble"]);
        }
    }
}
