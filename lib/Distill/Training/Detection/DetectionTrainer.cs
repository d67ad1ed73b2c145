using System.Diagnostics;
using Distill.Data.Detection;
using Distill.Models.Detection;
using Distill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Training.Detection;

/// <summary>How a <see cref="DetectionTrainer"/> runs: epochs, optimiser and schedule, seed, and the run folder.</summary>
public sealed record DetectionTrainerOptions
{
    public required int Epochs { get; init; }
    public required OptimizerSpec Optimizer { get; init; }
    public ScheduleSpec Schedule { get; init; } = ScheduleSpec.Constant();
    public int Seed { get; init; }
    /// <summary>Run folder for metrics.jsonl and checkpoints/; null keeps nothing on disk.</summary>
    public string? Folder { get; init; }
    public int KeepCheckpoints { get; init; } = 2;
    /// <summary>Told after each epoch, once its metrics and checkpoint are written.</summary>
    public IProgress<DetectionEpochMetrics>? Progress { get; init; }
    public TextWriter? Log { get; init; }
}

/// <summary>
/// Trains a Faster R-CNN student for a number of epochs with <see cref="DetectionDistillationStep"/> (plain Faster
/// R-CNN losses, or L = L_RPN + L_RCN + gamma L_hint against a frozen teacher; Chen et al. 2017): per-step learning
/// rate from the schedule, VOC evaluation of the test split after every epoch, metrics.jsonl with every loss
/// component, an atomic checkpoint (student + hint adaptation + optimiser) after every epoch. A folder that holds
/// checkpoints is resumed from the newest good one and reproduces the uninterrupted run exactly: the data order is a
/// function of the epoch, the torch and sampling generators are re-seeded from (seed, epoch).
/// </summary>
public sealed class DetectionTrainer
{
    /// <summary>The plain Faster R-CNN loss names under the names the distillation objective uses for the same terms.</summary>
    static readonly IReadOnlyDictionary<string, string> PlainNames = new Dictionary<string, string>
    {
        ["rpn_objectness"] = "rpn_cls", ["rpn_box"] = "rpn_reg", ["rcn_box"] = "rcn_reg",
    };

    readonly DetectionTrainee trainee;
    readonly FasterRcnn? teacher;
    readonly VocDetectionSource train, test;
    readonly DetectionTrainerOptions options;
    readonly OptimizerHelper optimizer;
    readonly CheckpointStore? checkpoints;
    readonly string? metricsPath;
    readonly TextWriter log;
    readonly Device device;

    /// <param name="test">Evaluation source, made with shuffle: false, flip: false.</param>
    public DetectionTrainer(DetectionTrainee trainee, FasterRcnn? teacher, VocDetectionSource train, VocDetectionSource test,
                            DetectionTrainerOptions options)
    {
        if (options.Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "Epochs must be > 0");
        if ((teacher is null) != (trainee.Distillation is null))
            throw new ArgumentException("A teacher needs the distillation loss in the trainee, and the loss needs a teacher.");
        this.trainee = trainee;
        this.teacher = teacher;
        this.train = train;
        this.test = test;
        this.options = options;
        device = TorchRuntime.Current.Device;
        trainee.to(device);
        if (teacher is not null)
        {
            teacher.to(device);
            teacher.eval();
            foreach (var p in teacher.parameters()) p.requires_grad = false;
        }
        optimizer = options.Optimizer.Create(trainee.parameters().Where(p => p.requires_grad));
        log = options.Log ?? Console.Error;
        if (options.Folder is not null)
        {
            Directory.CreateDirectory(options.Folder);
            checkpoints = new CheckpointStore(Path.Combine(options.Folder, "checkpoints"), options.KeepCheckpoints, log);
            metricsPath = Path.Combine(options.Folder, "metrics.jsonl");
        }
    }

    public int StepsPerEpoch => (train.Data.Count + train.BatchSize - 1) / train.BatchSize;

    /// <summary>Trains the remaining epochs (all, or those after the newest checkpoint) and returns every epoch's metrics.</summary>
    public IReadOnlyList<DetectionEpochMetrics> Fit()
    {
        TorchThreads.ApplyHere();
        var history = new List<DetectionEpochMetrics>();
        if (checkpoints?.RestoreLatest(trainee, optimizer) is { } restored)
        {
            var (header, path) = restored;
            if (header.Seed != options.Seed)
                throw new InvalidOperationException($"Checkpoint {path} was written by a run with seed {header.Seed}, not {options.Seed}.");
            var logged = DetectionEpochMetrics.Read(metricsPath!);
            if (logged.Count < header.Epoch + 1)
                throw new InvalidDataException($"{metricsPath} holds {logged.Count} epochs but checkpoint {path} finished {header.Epoch + 1}.");
            history.AddRange(logged.Take(header.Epoch + 1));
            log.WriteLine($"distill: resuming from {path} ({header.Epoch + 1} of {options.Epochs} epochs done)");
        }
        if (metricsPath is not null) DetectionEpochMetrics.Rewrite(metricsPath, history);
        for (int epoch = history.Count; epoch < options.Epochs; epoch++)
        {
            var m = RunEpoch(epoch);
            history.Add(m);
            // Metrics first: a kill between the two leaves one line too many, which the resume above drops.
            if (metricsPath is not null) DetectionEpochMetrics.Append(metricsPath, m);
            checkpoints?.Save(new CheckpointHeader(epoch, options.Seed, options.Optimizer.Kind, []), trainee, optimizer);
            options.Progress?.Report(m);
        }
        return history;
    }

    DetectionEpochMetrics RunEpoch(int epoch)
    {
        int seed = Trainer.EpochSeed(options.Seed, epoch);
        TorchRuntime.Seed(seed, device.type == DeviceType.CUDA);
        var step = new DetectionDistillationStep(trainee.Student, optimizer, seed, teacher, trainee.Distillation);
        var clock = Stopwatch.StartNew();
        var sums = new Dictionary<string, double>();
        int steps = StepsPerEpoch, done = 0;
        long images = 0;
        double lr = 0;
        foreach (var batch in train.Epoch(epoch, device))
        {
            using (batch)
            {
                lr = options.Schedule.At(options.Optimizer.LearningRate, epoch, done, steps, options.Epochs);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                var values = step.Step(batch.Images, batch.Targets);
                if (!double.IsFinite(values["total"]))
                    throw new NonFiniteLossException($"Detection loss is {values["total"]} at epoch {epoch}, step {done}: {string.Join(", ", values)}.")
                    { Epoch = epoch, Step = done };
                foreach (var (key, value) in values)
                {
                    var name = PlainNames.GetValueOrDefault(key, key);
                    sums[name] = sums.GetValueOrDefault(name) + value;
                }
                images += batch.Images.shape[0];
            }
            done++;
        }
        if (done == 0) throw new InvalidOperationException($"The training split {train.Data.Root} yielded no batches in epoch {epoch}.");
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var (elevenPoint, area) = Evaluate(trainee.Student, test, device);
        return new DetectionEpochMetrics(epoch, lr, sums.ToDictionary(p => p.Key, p => p.Value / done), elevenPoint.MeanAveragePrecision,
            area.MeanAveragePrecision, elevenPoint.AveragePrecision, clock.Elapsed.TotalSeconds, images / trainSeconds);
    }

    /// <summary>VOC AP at IoU 0.5 of <paramref name="model"/> on <paramref name="source"/>: 11-point and area, from one pass of detection.</summary>
    public static (VocEvaluation ElevenPoint, VocEvaluation Area) Evaluate(FasterRcnn model, VocDetectionSource source, Device? device = null)
    {
        TorchThreads.ApplyHere();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            var detections = new List<VocDetection>();
            foreach (var batch in source.Epoch(0, device))
                using (batch)
                {
                    var found = model.Detect(batch.Images);
                    detections.AddRange(source.ToVoc(batch, found));
                    foreach (var d in found) { d.Boxes.Dispose(); d.Scores.Dispose(); d.Labels.Dispose(); }
                }
            var truth = Enumerable.Range(0, source.Data.Count).Select(source.Data.Annotation).ToList();
            return (VocEvaluator.Evaluate(truth, detections, source.Data.Classes, elevenPoint: true),
                    VocEvaluator.Evaluate(truth, detections, source.Data.Classes, elevenPoint: false));
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
