using System.Text.Json.Serialization;

namespace Distill.Training.Detection;

/// <summary>
/// One line of a detection run's metrics.jsonl: the epoch's learning rate (at its last step), every loss component
/// averaged over the epoch's steps ("rpn_cls", "rpn_reg", "rcn_cls", "rcn_reg", and when distilling "hint" and
/// "bounded", plus the weighted "total"), and the test split's VOC AP at IoU 0.5: per class and mean, 11-point
/// (VOC2007) and area (VOC2010+).
/// </summary>
public sealed record DetectionEpochMetrics(
    int Epoch,
    double LearningRate,
    IReadOnlyDictionary<string, double> Losses,
    double MeanAp,
    double MeanApArea,
    IReadOnlyDictionary<string, double> AveragePrecision,
    double Seconds,
    double ImagesPerSecond) : IEpochMetrics
{
    [JsonIgnore]
    public string Evaluation => $"mAP {100 * MeanAp:F1} (area {100 * MeanApArea:F1})";

    /// <summary>Equal in everything but wall-clock time: what a resumed run must reproduce exactly.</summary>
    public bool SameResultAs(DetectionEpochMetrics other) =>
        Epoch == other.Epoch && LearningRate.Equals(other.LearningRate) && MeanAp.Equals(other.MeanAp) && MeanApArea.Equals(other.MeanApArea) &&
        MetricsLog.SameLosses(Losses, other.Losses) && MetricsLog.SameLosses(AveragePrecision, other.AveragePrecision);
}
