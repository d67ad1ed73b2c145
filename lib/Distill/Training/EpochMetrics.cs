using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Training;

/// <summary>
/// One line of a classifier's metrics.jsonl: everything measured in one epoch. <see cref="Losses"/> holds the weighted
/// total ("total") and every term unweighted under its key ("ce", "kd", ...), averaged over the epoch's steps.
/// Accuracies are fractions in [0, 1].
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    IReadOnlyDictionary<string, double> Losses,
    double TrainTop1,
    double TestLoss,
    double TestTop1,
    double TestTop5,
    double Seconds,
    double ImagesPerSecond) : IEpochMetrics
{
    /// <summary>The JSON of every metrics.jsonl line and checkpoint header: snake_case, NaN and infinities allowed.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    [JsonIgnore]
    public string Evaluation => $"test top-1 {TestTop1:P2}, top-5 {TestTop5:P2}";

    /// <summary>Equal in everything but wall-clock time: what a resumed run must reproduce exactly.</summary>
    public bool SameResultAs(EpochMetrics other) =>
        Epoch == other.Epoch && LearningRate.Equals(other.LearningRate) && TrainTop1.Equals(other.TrainTop1) &&
        TestLoss.Equals(other.TestLoss) && TestTop1.Equals(other.TestTop1) && TestTop5.Equals(other.TestTop5) &&
        MetricsLog.SameLosses(Losses, other.Losses);
}
