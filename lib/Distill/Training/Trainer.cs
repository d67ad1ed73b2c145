using System.Diagnostics;
using Distill.Data;
using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>The outcome of <see cref="Trainer{TMetrics}.Fit"/>: every epoch's metrics and how many epochs were restored.</summary>
public sealed record TrainingResult<TMetrics>(IReadOnlyList<TMetrics> History, int ResumedEpochs, string? LastCheckpoint)
{
    public TMetrics Final => History[^1];
}

/// <summary>The trainer's seeding rule and the classifier trainer in one call.</summary>
public static class Trainer
{
    /// <summary>The seed of epoch <paramref name="epoch"/>'s random generators: a fixed mix of run seed and epoch.</summary>
    public static int EpochSeed(int seed, int epoch) => unchecked((int)((uint)seed * 2654435761u ^ (uint)(epoch + 1) * 40503u));

    /// <summary>A trainer of <paramref name="distiller"/> on <paramref name="train"/>, evaluated on <paramref name="test"/>.</summary>
    public static Trainer<EpochMetrics> Of(Distiller distiller, IBatchSource train, IBatchSource test, TrainerOptions options) =>
        new(new DistillerTrainee(distiller, train, test), options);
}

/// <summary>
/// Trains any <see cref="ITrainee{TMetrics}"/> (a classifier or CoViAR network with its distiller, a Faster R-CNN
/// with its detection distillation) for a number of epochs: per-step learning rate from the schedule, loss checks
/// (NaN/inf) and progress reports every <see cref="TrainerOptions.CheckEvery"/> steps, evaluation after every epoch,
/// metrics appended to metrics.jsonl, an atomic checkpoint after every epoch. A run whose folder holds checkpoints
/// continues from the newest good one and reproduces the uninterrupted run exactly (data order is a function of the
/// epoch, random generators are re-seeded from (seed, epoch), the optimiser state is restored).
/// </summary>
public sealed class Trainer<TMetrics> where TMetrics : IEpochMetrics
{
    readonly ITrainee<TMetrics> trainee;
    readonly TrainerOptions options;
    readonly Device device;
    readonly OptimizerHelper optimizer;
    readonly CheckpointStore? checkpoints;
    readonly MetricsLog? metrics;
    readonly TextWriter log;

    public Trainer(ITrainee<TMetrics> trainee, TrainerOptions options)
    {
        if (options.Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "Epochs must be > 0");
        this.trainee = trainee;
        this.options = options;
        device = TorchRuntime.Current.Device;
        var tuning = options.Tuning ?? DeviceTuning.For(device);
        tuning.Apply(device);
        trainee.MoveTo(device, tuning);
        optimizer = options.Optimizer.Create(trainee.Module.parameters().Where(p => p.requires_grad));
        log = options.Log ?? Console.Error;
        if (options.Folder is not null)
        {
            Directory.CreateDirectory(options.Folder);
            checkpoints = new CheckpointStore(Path.Combine(options.Folder, "checkpoints"), options.KeepCheckpoints, log);
            metrics = new MetricsLog(Path.Combine(options.Folder, "metrics.jsonl"));
        }
    }

    public OptimizerHelper Optimizer => optimizer;

    public int StepsPerEpoch => trainee.StepsPerEpoch;

    public TrainingResult<TMetrics> Fit()
    {
        TorchThreads.ApplyHere();
        var history = new List<TMetrics>();
        string? last = null;
        if (checkpoints?.RestoreLatest(trainee.Module, optimizer) is { } restored)
        {
            var (header, path) = restored;
            if (header.Seed != options.Seed)
                throw new InvalidOperationException($"Checkpoint {path} was written by a run with seed {header.Seed}, not {options.Seed}.");
            history.AddRange(header.HistoryAs<TMetrics>());
            last = path;
            log.WriteLine($"distill: resuming from {path} ({header.Epoch + 1} of {options.Epochs} epochs done)");
        }
        int resumed = history.Count;
        metrics?.Rewrite(history);
        for (int epoch = resumed; epoch < options.Epochs; epoch++)
        {
            TMetrics m;
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
                last = checkpoints.Save(CheckpointHeader.Of(epoch, options.Seed, options.Optimizer.Kind, history), trainee.Module, optimizer);
            metrics?.Append(m);
            options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, StepsPerEpoch, StepsPerEpoch,
                m.Losses["total"], m.ImagesPerSecond, m.LearningRate, m));
        }
        return new TrainingResult<TMetrics>(history, resumed, last);
    }

    TMetrics RunEpoch(int epoch)
    {
        int seed = Trainer.EpochSeed(options.Seed, epoch);
        TorchRuntime.Seed(seed, device.type == DeviceType.CUDA);
        var clock = Stopwatch.StartNew();
        int steps = StepsPerEpoch, step = 0;
        long examples = 0;
        double lr = 0;
        var module = trainee.Module;
        using var watch = new LossWatch(trainee.LoggedKeys, options.CheckEvery, device);
        using var correct = zeros(1, int64, device);   // top-1 hits, summed on the device
        foreach (var output in trainee.Steps(epoch, seed))
        {
            lr = options.Schedule.At(options.Optimizer.LearningRate, epoch, step, steps, options.Epochs);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            // Gradients are freed rather than zeroed (no kernel per parameter); backward writes fresh ones.
            module.zero_grad(set_to_none: true);
            output.Loss.backward();
            optimizer.step();
            if (output.Correct is not null) correct.PlusInPlace(output.Correct);
            examples += output.Examples;
            watch.Record(epoch, step, output.Loss, output.Logged);
            step++;
            if (step % watch.CheckEvery == 0)
                options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, step, steps, watch.RecentLoss,
                    examples / clock.Elapsed.TotalSeconds, lr));
        }
        watch.Check(epoch);
        if (step == 0) throw new InvalidOperationException($"The training source yielded no batches in epoch {epoch}.");
        double trainSeconds = clock.Elapsed.TotalSeconds;
        long hits = correct[0].item<long>();
        return trainee.Evaluate(new EpochTraining(epoch, lr, watch.Means(epoch), examples, hits, trainSeconds, clock));
    }
}
