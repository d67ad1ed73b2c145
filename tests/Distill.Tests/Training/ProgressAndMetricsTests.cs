using System.Text.Json;
using Distill.Losses;
using Distill.Runtime;
using Distill.Training;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>What a notebook cell or terminal sees while training (progress reports) and what metrics.jsonl holds.</summary>
[Collection("Training")]
public class ProgressAndMetricsTests
{
    public ProgressAndMetricsTests() => Fixtures.Initialize(61);

    [Fact]
    public void TopKCountsMatchHandCountedRows()
    {
        // Row 0: label 2 is the largest logit (top-1 and top-5 hit). Row 1: label 0 is the 5th largest of 6 (top-5 only).
        // Row 2: label 5 is the smallest (neither).
        var logits = tensor(new float[,]
        {
            { 0.1f, 0.2f, 0.9f, 0.3f, 0.0f, -1f },
            { 0.2f, 0.9f, 0.8f, 0.7f, 0.6f, 0.1f },
            { 0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f },
        });
        var counts = Accuracy.TopKCorrect(logits, tensor(new long[] { 2, 0, 5 })).data<long>().ToArray();
        Assert.Equal([1L, 2L], counts);
        // k = 2 on the first two rows with labels (2, 2): row 1's label is its second-largest logit.
        Assert.Equal([1L, 2L], Accuracy.TopKCorrect(logits[..2], tensor(new long[] { 2, 2 }), k: 2).data<long>().ToArray());
    }

    [Fact]
    public void HookGetsAReportAtEveryCheckPointAndOneWithTheMetricsAtEachEpochEnd()
    {
        var reports = new List<TrainingProgress>();
        var folder = Fixtures.TempFolder();
        var history = Train(folder, new ProgressHook<TrainingProgress>(reports.Add));

        Assert.Equal([(0, 3, false), (0, 6, false), (0, 6, true), (1, 3, false), (1, 6, false), (1, 6, true)],
            reports.Select(r => (r.Epoch, r.Step, r.EpochEnd)));
        Assert.All(reports, r =>
        {
            Assert.Equal((2, 6), (r.Epochs, r.StepsPerEpoch));
            Assert.True(r.Loss > 0 && double.IsFinite(r.Loss) && r.ImagesPerSecond > 0);
        });
        Assert.Equal([0.1, 0.1, 0.1, 0.05, 0.05, 0.05], reports.Select(r => r.LearningRate));   // step schedule halves after epoch 0
        Assert.Same(history[0], reports[2].Finished);
        Assert.Equal(history[1].Losses["total"], reports[5].Loss);
        Assert.StartsWith("epoch 2/2 step 3/6: loss ", reports[3].ToString());
        Assert.Contains($"test top-1 {history[1].TestTop1:P2}", reports[5].ToString());
    }

    [Fact]
    public void MetricsJsonlHasOneLinePerEpochWithEveryLossTermAccuraciesRateAndThroughput()
    {
        var folder = Fixtures.TempFolder();
        var history = Train(folder, progress: null);
        var lines = File.ReadAllLines(Path.Combine(folder, "metrics.jsonl"));
        Assert.Equal(2, lines.Length);
        for (int e = 0; e < 2; e++)
        {
            var json = JsonDocument.Parse(lines[e]).RootElement;
            Assert.Equal(["epoch", "learning_rate", "losses", "train_top1", "test_loss", "test_top1", "test_top5", "seconds", "images_per_second"],
                json.EnumerateObject().Select(p => p.Name));
            Assert.Equal(e, json.GetProperty("epoch").GetInt32());
            Assert.Equal(e == 0 ? 0.1 : 0.05, json.GetProperty("learning_rate").GetDouble());
            var losses = json.GetProperty("losses");
            Assert.Equal(["ce", "kd", "total"], losses.EnumerateObject().Select(p => p.Name).Order());
            // Means are linear: the epoch's mean total is the weighted sum of the terms' means.
            Assert.Equal(0.3 * losses.GetProperty("ce").GetDouble() + 0.7 * losses.GetProperty("kd").GetDouble(),
                losses.GetProperty("total").GetDouble(), tolerance: 1e-6);
            // Accuracies are exact counts: 96 training and 40 test images.
            AssertCount(json.GetProperty("train_top1").GetDouble(), 96);
            AssertCount(json.GetProperty("test_top1").GetDouble(), 40);
            Assert.Equal(1.0, json.GetProperty("test_top5").GetDouble());            // 4 classes: always in the top 5
            double seconds = json.GetProperty("seconds").GetDouble(), rate = json.GetProperty("images_per_second").GetDouble();
            Assert.True(seconds > 0 && rate > 0 && 96 / rate <= seconds, $"seconds {seconds}, images/s {rate}");
            Assert.True(history[e].SameResultAs(MetricsLog.Read(Path.Combine(folder, "metrics.jsonl"))[e]));
        }
    }

    [Fact]
    public void TheScheduleCountsTheStepsTheLoaderRunsWhenItDropsTheLastPartialBatch()
    {
        // 100 images in batches of 16, the last 4 dropped: 6 steps per epoch, not 7. Cosine over 2 epochs, so the last step
        // (epoch 1, step 5) sits at 11/12 of the run: lr = 0.1 * (1 + cos(pi * 11/12)) / 2.
        var reports = new List<TrainingProgress>();
        TorchRuntime.Seed(7, cudaToo: false);
        using var distiller = new Distiller(new TinyNet(Fixtures.Spec), [], [(new CrossEntropy(), 1.0)]);
        var trainer = new Trainer(distiller, new SyntheticSource(100, 16, 1, dropLast: true), new SyntheticSource(40, 16, 2), new TrainerOptions
        {
            Epochs = 2,
            Optimizer = OptimizerSpec.Sgd(0.1),
            Schedule = ScheduleSpec.Cosine(),
            Seed = 1,
            CheckEvery = 3,
            Progress = new ProgressHook<TrainingProgress>(reports.Add),
            Log = TextWriter.Null,
        });
        Assert.Equal(6, trainer.StepsPerEpoch);
        var history = trainer.Fit().History;
        Assert.All(reports, r => Assert.Equal(6, r.StepsPerEpoch));
        Assert.Equal([3, 6, 6, 3, 6, 6], reports.Select(r => r.Step));
        Assert.Equal(0.05 * (1 + Math.Cos(Math.PI * 11 / 12)), history[1].LearningRate, tolerance: 1e-15);
        AssertCount(history[0].TrainTop1, 96);
    }

    static void AssertCount(double fraction, int total) =>
        Assert.Equal(Math.Round(fraction * total), fraction * total, tolerance: 1e-9);

    /// <summary>2 epochs of CE + KD: 96 images in batches of 16 (6 steps), checks every 3 steps, 40 test images.</summary>
    static IReadOnlyList<EpochMetrics> Train(string folder, IProgress<TrainingProgress>? progress)
    {
        TorchRuntime.Seed(7, cudaToo: false);
        var teacher = new TinyNet(Fixtures.Spec with { Width = 2 });
        using var distiller = new Distiller(new TinyNet(Fixtures.Spec), [teacher], [(new CrossEntropy(), 0.3), (new HintonKd(2), 0.7)]);
        return new Trainer(distiller, new SyntheticSource(96, 16, 1), new SyntheticSource(40, 16, 2), new TrainerOptions
        {
            Epochs = 2,
            Optimizer = OptimizerSpec.Sgd(0.1),
            Schedule = ScheduleSpec.Step(1, 0.5),
            Seed = 1,
            Folder = folder,
            CheckEvery = 3,
            Progress = progress,
            Log = TextWriter.Null,
        }).Fit().History;
    }
}
