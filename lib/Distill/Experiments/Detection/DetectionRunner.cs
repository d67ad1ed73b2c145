using Distill.Data.Detection;
using Distill.Losses;
using Distill.Models.Detection;
using Distill.Runtime;
using Distill.Training;
using Distill.Training.Detection;
using TorchSharp;

namespace Distill.Experiments.Detection;

/// <summary>
/// Runs detection experiments (<see cref="DetectionExperiment"/>) as every <see cref="Runner{TConfig,TRun}"/> does. A
/// teacher is the final student of a finished run of the same store, found by name (and seed). Data comes from
/// <see cref="DetectionDataSets"/> under <paramref name="dataRoot"/>.
/// </summary>
public sealed class DetectionRunner(ResultStore store, string dataRoot) : Runner<DetectionExperiment, DetectionResult>(store)
{
    public string DataRoot => dataRoot;

    protected override DetectionResult Train(DetectionExperiment e, string folder)
    {
        var (trainSet, testSet) = DetectionDataSets.Open(e.DataSet, dataRoot);
        if (e.TrainImages is int n) trainSet = trainSet.Take(n);
        if (e.TestImages is int m) testSet = testSet.Take(m);
        using var teacher = e.Teacher is null ? null : LoadDetector(FindFinished(e.Teacher, e.Seed));
        using var distiller = Distiller(e, trainSet.Classes.Count, teacher);
        var train = new VocDetectionSource(trainSet, e.ImageSize, e.BatchSize, e.Seed, shuffle: true, flip: e.Flip);
        var test = new VocDetectionSource(testSet, e.ImageSize, e.BatchSize, shuffle: false, flip: false);
        var history = new Trainer<DetectionEpochMetrics>(new DetectorTrainee(distiller, train, test), Options(e, folder)).Fit().History;
        var final = history[^1];
        var summary = new DetectionSummary(e.Name, e.Hash, e.Seed, e.DataSet, e.Profile, e.Detector.Name, e.Teacher, e.Epochs,
            final.MeanAp, final.MeanApArea, final.AveragePrecision, history.Sum(m => m.Seconds),
            distiller.Student.parameters().Sum(p => p.numel()), DateTimeOffset.UtcNow);
        ResultStore.Finish(folder, summary);
        return new DetectionResult(e, summary, folder, Reused: false);
    }

    /// <summary>The finished run named <paramref name="name"/>: the one with <paramref name="seed"/>, else the only one.</summary>
    public DetectionResult FindFinished(string name, int seed) => Store.Find<DetectionExperiment, DetectionResult>(new TeacherSpec(name), seed);

    /// <summary>The detector of a finished run with its final weights, in eval mode on the runtime's device.</summary>
    public FasterRcnn LoadDetector(DetectionResult finished)
    {
        var config = finished.Config;
        int classes = DetectionDataSets.Open(config.DataSet, dataRoot).Train.Classes.Count;
        // The checkpoint holds the distiller's state (student + loss-term parameters): restore through the same shape.
        var holder = Distiller(config, classes, teacher: null);   // not disposed: it owns the detector returned
        var checkpoints = new CheckpointStore(Path.Combine(finished.Folder, ResultStore.CheckpointsFolder), log: Log);
        if (checkpoints.RestoreLatest(holder, optimizer: null) is not { } restored)
            throw new InvalidOperationException($"{finished.Folder} has no usable checkpoint to load '{config.Name}' from.");
        if (restored.Header.Epoch + 1 != config.Epochs)
            throw new InvalidOperationException($"{restored.Path} holds epoch {restored.Header.Epoch + 1} of {config.Epochs}; '{config.Name}' is not finished.");
        var detector = holder.Student;
        detector.to(TorchRuntime.Current.Device);
        detector.eval();
        return detector;
    }

    /// <summary>
    /// The student of <paramref name="e"/> and, when it distils, its loss terms (the hint adaptation sized from the
    /// teacher run's backbone width). <paramref name="teacher"/> is null to build a holder a checkpoint is restored into.
    /// </summary>
    DetectionDistiller Distiller(DetectionExperiment e, int numClasses, FasterRcnn? teacher)
    {
        var student = e.Detector.Create(numClasses);
        if (e.Teacher is null) return new DetectionDistiller(student);
        int teacherChannels = FindFinished(e.Teacher, e.Seed).Config.Detector.OutChannels;
        var terms = e.Losses.Select(l => (DetectionDistillation.Create(l, e.Detector.OutChannels, teacherChannels), l.Weight)).ToList();
        return new DetectionDistiller(student, teacher, terms);
    }
}
