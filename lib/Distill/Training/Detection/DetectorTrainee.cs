using Distill.Runtime;
using Distill.Data.Detection;
using Distill.Models.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Training.Detection;

/// <summary>
/// A <see cref="DetectionDistiller"/> with its training and test splits, as the <see cref="Trainer{TMetrics}"/> drives
/// it: one distiller step per training batch, the anchor and RoI sampling drawn from a generator seeded with the
/// epoch's seed (so a resumed epoch samples what the uninterrupted one did), then VOC AP at IoU 0.5 of the student on
/// the test split.
/// </summary>
/// <param name="test">Evaluation source, made with shuffle: false, flip: false.</param>
public sealed class DetectorTrainee(DetectionDistiller distiller, VocDetectionSource train, VocDetectionSource test) : ITrainee<DetectionEpochMetrics>
{
    Device device = CPU;

    public nn.Module Module => distiller;
    public IReadOnlyList<string> LoggedKeys => distiller.LoggedKeys;
    public int StepsPerEpoch => (train.Data.Count + train.BatchSize - 1) / train.BatchSize;

    public void MoveTo(Device device, DeviceTuning tuning)
    {
        this.device = device;
        distiller.to(device);
        distiller.Teacher?.to(device);
    }

    public IEnumerable<StepOutput> Steps(int epoch, int seed)
    {
        var rng = new Random(seed);
        foreach (var batch in train.Epoch(epoch, device))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var (loss, logged) = distiller.Step(batch.Images, batch.Targets, rng);
                yield return new StepOutput(loss, logged, batch.Images.shape[0]);
            }
        }
    }

    public DetectionEpochMetrics Evaluate(EpochTraining t)
    {
        var (elevenPoint, area) = Evaluate(distiller.Student, test, device);
        return new DetectionEpochMetrics(t.Epoch, t.LearningRate, t.Losses, elevenPoint.MeanAveragePrecision, area.MeanAveragePrecision,
            elevenPoint.AveragePrecision, t.Clock.Elapsed.TotalSeconds, t.ExamplesPerSecond);
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
