using System.Diagnostics;
using Distill.Data;
using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/>: every epoch's metrics and how many epochs were restored.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, int ResumedEpochs, string? LastCheckpoint)
{
    public EpochMetrics Final => History[^1];
}

/// <summary>
/// Trains a <see cref="Distiller"/> (student + loss-term parameters) for a number of epochs: per-step learning rate
/// from the schedule, evaluation of the student on the test split after every epoch, metrics appended to
/// metrics.jsonl, an atomic checkpoint after every epoch. A run whose folder holds checkpoints continues from the
/// newest good one and reproduces the uninterrupted run exactly (data order is a function of the epoch, random
/// generators are re-seeded from (seed, epoch), the optimiser state is restored).
/// </summary>
public sealed class Trainer
{
    readonly Distiller distiller;
    readonly IBatchSource train, test;
    readonly TrainerOptions options;
    readonly Device device;
    readonly DeviceTuning tuning;
    readonly OptimizerHelper optimizer;
    readonly CheckpointStore? checkpoints;
    readonly MetricsLog? metrics;
    readonly TextWriter log;

    public Trainer(Distiller distiller, IBatchSource train, IBatchSource test, TrainerOptions options)
    {
        if (options.Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "Epochs must be > 0");
        this.distiller = distiller;
        this.train = train;
        this.test = test;
        this.options = options;
        device = TorchRuntime.Current.Device;
        tuning = options.Tuning ?? DeviceTuning.For(device);
        tuning.Apply(device);
        distiller.to(device);
        foreach (var teacher in distiller.Teachers) teacher.to(device);
        optimizer = options.Optimizer.Create(distiller.parameters());
        log = options.Log ?? Console.Error;
        if (options.Folder is not null)
        {
            Directory.CreateDirectory(options.Folder);
            checkpoints = new CheckpointStore(Path.Combine(options.Folder, "checkpoints"), options.KeepCheckpoints, log);
            metrics = new MetricsLog(Path.Combine(options.Folder, "metrics.jsonl"));
        }
    }

    public OptimizerHelper Optimizer => optimizer;

    /// <summary>Optimiser steps per epoch: the batches the training source yields (a dropped last partial batch is no step).</summary>
    public int StepsPerEpoch => train.BatchesPerEpoch;

    /// <summary>The seed of epoch <paramref name="epoch"/>'s random generators: a fixed mix of run seed and epoch.</summary>
    public static int EpochSeed(int seed, int epoch) => unchecked((int)((uint)seed * 2654435761u ^ (uint)(epoch + 1) * 40503u));

    public TrainingResult Fit()
    {
        TorchThreads.ApplyHere();
        var history = new List<EpochMetrics>();
        string? last = null;
        if (checkpoints?.RestoreLatest(distiller, optimizer) is { } restored)
        {
            var (header, path) = restored;
            if (header.Seed != options.Seed)
                throw new InvalidOperationException($"Checkpoint {path} was written by a run with seed {header.Seed}, not {options.Seed}.");
            history.AddRange(header.History);
            last = path;
            log.WriteLine($"distill: resuming from {path} ({header.Epoch + 1} of {options.Epochs} epochs done)");
        }
        int resumed = history.Count;
        metrics?.Rewrite(history);
        for (int epoch = resumed; epoch < options.Epochs; epoch++)
        {
            EpochMetrics m;
            try
            {
                m = RunEpoch(epoch);
            }
            catch (NonFiniteLossException e)
            {
                throw new NonFiniteLossException(
                    e.Message + (last is null ? " No checkpoint had been written." : $" The last good checkpoint is intact: {last}"))
                { Epoch = e.Epoch, Step = e.Step };
            }
            history.Add(m);
            if (checkpoints is not null)
                last = checkpoints.Save(new CheckpointHeader(epoch, options.Seed, options.Optimizer.Kind, history), distiller, optimizer);
            metrics?.Append(m);
            options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, StepsPerEpoch, StepsPerEpoch,
                m.Losses["total"], m.ImagesPerSecond, m.LearningRate, m));
        }
        return new TrainingResult(history, resumed, last);
    }

    EpochMetrics RunEpoch(int epoch)
    {
        TorchRuntime.Seed(EpochSeed(options.Seed, epoch), device.type == DeviceType.CUDA);
        var clock = Stopwatch.StartNew();
        int steps = StepsPerEpoch, step = 0;
        long images = 0;
        double lr = 0;
        distiller.train();
        using var watch = new LossWatch(distiller.TermKeys, options.CheckEvery, device);
        using var correct = zeros(1, int64, device);   // top-1 hits, summed on the device
        foreach (var batch in train.Epoch(epoch))
        {
            using (batch)
            using (NewDisposeScope())
            {
                lr = options.Schedule.At(options.Optimizer.LearningRate, epoch, step, steps, options.Epochs);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                var result = distiller.Step(tuning.Layout(batch.Images), batch.Labels);
                // Gradients are freed rather than zeroed (no kernel per parameter); backward writes fresh ones.
                distiller.zero_grad(set_to_none: true);
                result.Loss.backward();
                optimizer.step();
                correct.PlusInPlace(Accuracy.Top1Correct(result.StudentLogits, batch.Labels));
                images += batch.Labels.shape[0];
                watch.Record(epoch, step, result.Loss, result.Terms);
            }
            step++;
            if (step % watch.CheckEvery == 0)
                options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, step, steps, watch.RecentLoss,
                    images / clock.Elapsed.TotalSeconds, lr));
        }
        watch.Check(epoch);
        if (step == 0) throw new InvalidOperationException($"The training source yielded no batches in epoch {epoch}.");
        double trainSeconds = clock.Elapsed.TotalSeconds;
        long trainCorrect = correct[0].item<long>();
        var (testLoss, top1, top5) = Evaluate(distiller.Student, test, tuning);
        return new EpochMetrics(epoch, lr, watch.Means(epoch), (double)trainCorrect / images, testLoss, top1, top5,
            clock.Elapsed.TotalSeconds, images / trainSeconds);
    }

    /// <summary>Mean cross-entropy, top-1 and top-5 accuracy of <paramref name="model"/> on every batch of epoch 0 of <paramref name="source"/>.</summary>
    public static (double Loss, double Top1, double Top5) Evaluate(Models.DistillModel model, IBatchSource source, DeviceTuning? tuning = null)
    {
        TorchThreads.ApplyHere();
        bool wasTraining = model.training;
        model.eval();
        var device = TorchRuntime.Current.Device;
        using var noGrad = no_grad();
        using var totals = zeros(3, float64, device);   // loss sum, top-1 hits, top-5 hits
        long count = 0;
        foreach (var batch in source.Epoch(0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var logits = model.call(tuning?.Layout(batch.Images) ?? batch.Images).Logits;
                var loss = nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum);
                totals.PlusInPlace(cat([loss.reshape(1).to(float64), Accuracy.TopKCorrect(logits, batch.Labels).to(float64)]));
                count += batch.Labels.shape[0];
            }
        }
        model.train(wasTraining);
        if (count == 0) throw new InvalidOperationException("The evaluation source yielded no examples.");
        using var onHost = totals.cpu();
        var host = onHost.data<double>().ToArray();
        return (host[0] / count, host[1] / count, host[2] / count);
    }
}
