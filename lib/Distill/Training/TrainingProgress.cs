namespace Distill.Training;

/// <summary>
/// What the trainer reports to a progress hook (terminal bar, notebook cell): position, recent loss, throughput.
/// <see cref="Loss"/> is the mean total loss of the steps since the previous report (known only at check points,
/// which is when reports are made, so reporting never adds a device sync). <see cref="Epoch"/> is 0-based.
/// </summary>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    int Step,
    int StepsPerEpoch,
    double Loss,
    double ImagesPerSecond,
    double LearningRate,
    IEpochMetrics? Finished = null)
{
    /// <summary>True for the report sent once an epoch (with its evaluation) is complete.</summary>
    public bool EpochEnd => Finished is not null;

    public override string ToString() => EpochEnd
        ? $"epoch {Epoch + 1}/{Epochs}: loss {Finished!.Losses["total"]:F4}, {Finished.Evaluation}, {Finished.ImagesPerSecond:F0} img/s"
        : $"epoch {Epoch + 1}/{Epochs} step {Step}/{StepsPerEpoch}: loss {Loss:F4}, lr {LearningRate:G4}, {ImagesPerSecond:F0} img/s";
}
