using Distill.Experiments;
using Distill.Experiments.Papers;

namespace Distill.Reports.Tests;

/// <summary>Each paper report's <c>Plan</c>: one row per run the study will train, with the run's own settings.</summary>
public class PlanTests
{
    // Building the cross-layer rows probes the models' tap channels (one forward pass), so libtorch must be up.
    public PlanTests() => Distill.Runtime.TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void CrossLayerPlanHasEveryMethodsFinalStage()
    {
        var setup = CrossLayerKd.Setup(Profiles.Smoke);
        var pair = setup.Pairs[0];
        var plan = CrossLayerKdReport.Plan(setup, pair);
        var finals = CrossLayerKd.Methods.Select(m => CrossLayerKd.Row(setup, pair, m, setup.Seeds[0])[^1]).ToList();
        Assert.Equal(finals.Select(e => e.Name), plan.GetColumn<string>("Name").Values);
        Assert.Equal(finals.Select(e => e.StartFrom ?? ""), plan.GetColumn<string>("StartFrom").Values);
        Assert.Equal(finals.Select(e => string.Join(" + ", e.Losses)), plan.GetColumn<string>("Losses").Values);
        Assert.Equal(finals.Select(e => e.Epochs), plan.GetColumn<int>("Epochs").Values);
    }

    [Fact]
    public void CompressedVideoPlanHasTeachersFirstThenStudents()
    {
        // The smoke study's settings without its data (For reads the class count from the data set's split files).
        var study = new CompressedVideoKd
        {
            Profile = Profiles.Smoke, DataSet = VideoDataSets.Actions, NumClasses = 8,
            Data = CompressedVideoKd.DataFor(Profiles.Smoke, VideoDataSets.Actions, Path.GetTempPath()),
        };
        var plan = CompressedVideoKdReport.Plan(study);
        Assert.Equal(study.All.Select(e => e.Name), plan.RowKeys);
        Assert.Equal(study.All.Select(e => string.Join(", ", e.Teachers.Select(t => t.Experiment))), plan.GetColumn<string>("Teachers").Values);
        Assert.Equal(3, plan.GetColumn<string>("Teachers").Get(study.MultiTeacherKd.Name).Split(", ").Length);
    }

    [Fact]
    public void DetectionPlanLabelsEveryAblationRun()
    {
        var ablation = DetectionKd.Ablation(new DetectionKdSettings { Profile = Profiles.Smoke, Mu = 0.25 });
        var plan = DetectionKdReport.Plan(ablation);
        Assert.Equal(ablation.Select(e => DetectionKd.LabelOf(e.Name)), plan.RowKeys);
        Assert.Equal(ablation.Select(e => e.Hash), plan.GetColumn<string>("Hash").Values);
        Assert.Equal(ablation.Select(e => DetectionKd.Switches(e).Mu), plan.GetColumn<double>("Mu").Values);
    }
}
