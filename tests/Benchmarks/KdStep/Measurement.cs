namespace KdStep;

/// <summary>
/// One measured configuration. "step": the trainer's KD step on one fixed on-device batch (teacher forward unless
/// reused, student forward and backward, loss bookkeeping, SGD). "epoch": whole training epochs through
/// <c>DeviceImageLoader</c> (gather, crop/flip when augmenting, normalise) and the same trainer. Figures are the
/// median over the timed repeats; the device is synchronised only at the ends of each repeat.
/// </summary>
public sealed record Measurement(
    string Mode,
    string Teacher,
    string Student,
    int Batch,
    string Dtype,
    string Layout,
    bool TeacherReuse,
    bool Augment,
    int StepsPerRepeat,
    double MsPerStep,
    double ImagesPerSecond,
    IReadOnlyList<double> RepeatImagesPerSecond,
    double BestImagesPerSecond,
    double WarmupSeconds,
    double FinalLoss);

/// <summary>Parameter counts of a zoo model, for the check against the PyTorch reference's definitions.</summary>
public sealed record ModelCount(string Name, int Classes, long Parameters);
