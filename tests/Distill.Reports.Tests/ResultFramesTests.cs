using Distill.Experiments;
using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;

namespace Distill.Reports.Tests;

/// <summary>Frames of finished runs: two seeds of one tiny Fashion-MNIST experiment, trained for real into a temp store.</summary>
public sealed class ResultFramesTests : IDisposable
{
    readonly string folder = Path.Combine(Path.GetTempPath(), "distill-reports-tests", Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void SummariesEpochsAndSeedAggregatesHoldTheStoredNumbers()
    {
        TorchRuntime.Initialize(seed: 0, quiet: true);
        TorchSharp.torch.set_num_threads(1);
        var store = new ResultStore(folder);
        var runner = new ExperimentRunner(store, DataSetCatalog.Resolve) { Log = TextWriter.Null };
        var e = new Experiment
        {
            Name = "frames",
            DataSet = "fashion-mnist",
            Student = new ModelSpec("resnet8", 10, InChannels: 1, ImageSize: 28, Width: 0.25),
            Losses = [new LossSpec(CrossEntropy.Name)],
            Optimizer = OptimizerSpec.Sgd(0.05, nesterov: true),
            Epochs = 2,
            BatchSize = 32,
            TrainImages = 128,
            TestImages = 64,
        };
        var runs = runner.RunSeeds(e, [3, 4]);

        var summaries = ResultFrames.Summaries(store.Finished());
        Assert.Equal(2, summaries.RowCount);
        Assert.Equal(runs.Select(r => r.Summary.TestTop1).Order(), summaries.GetColumn<double>("TestTop1").Values.Order());
        Assert.Equal([3, 4], summaries.GetColumn<int>("Seed").Values.Order());

        var epochs = ResultFrames.Epochs(store.Finished());
        Assert.Equal(4, epochs.RowCount);
        Assert.Contains("loss_ce", epochs.ColumnKeys);
        Assert.Equal(runs.SelectMany(r => r.History().Select(m => m.Losses["ce"])).Order(), epochs.GetColumn<double>("loss_ce").Values.Order());

        var seeds = ResultFrames.AcrossSeeds(store.Finished());
        Assert.Equal(1, seeds.RowCount);
        Assert.Equal(runs.Average(r => r.Summary.TestTop1), seeds.GetColumn<double>("MeanTop1").Get(0), 12);
    }
}
