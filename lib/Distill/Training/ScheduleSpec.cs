namespace Distill.Training;

/// <summary>
/// Learning-rate schedule as data, evaluated per step as a pure function of (epoch, step), so a resumed run sees
/// exactly the rates it would have seen. Kinds:
/// "constant"; "step" (times <see cref="Gamma"/> every <see cref="StepSize"/> epochs); "multistep" (times Gamma at
/// each of <see cref="Milestones"/>, e.g. 150/225 for CIFAR ResNets); "cosine" (half-cosine from the base rate to
/// <see cref="MinLearningRate"/>, Loshchilov and Hutter 2017, per step).
/// A linear warm-up over <see cref="WarmupEpochs"/> (Goyal et al. 2017) precedes any of them, per step.
/// </summary>
public sealed record ScheduleSpec(
    string Kind = "multistep",
    double WarmupEpochs = 0,
    int StepSize = 30,
    IReadOnlyList<int>? Milestones = null,
    double Gamma = 0.1,
    double MinLearningRate = 0.0)
{
    public static ScheduleSpec Constant() => new("constant");
    public static ScheduleSpec Step(int stepSize, double gamma = 0.1, double warmupEpochs = 0) => new("step", warmupEpochs, stepSize, Gamma: gamma);
    public static ScheduleSpec MultiStep(IReadOnlyList<int> milestones, double gamma = 0.1, double warmupEpochs = 0) =>
        new("multistep", warmupEpochs, Milestones: milestones, Gamma: gamma);
    public static ScheduleSpec Cosine(double minLearningRate = 0.0, double warmupEpochs = 0) => new("cosine", warmupEpochs, MinLearningRate: minLearningRate);

    /// <summary>The learning rate at step <paramref name="step"/> of <paramref name="epoch"/> (both 0-based).</summary>
    public double At(double baseRate, int epoch, int step, int stepsPerEpoch, int totalEpochs)
    {
        if (stepsPerEpoch <= 0) throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, "must be > 0");
        double progress = epoch + (double)step / stepsPerEpoch;           // epochs done, fractional
        if (progress < WarmupEpochs)
            return baseRate * (epoch * stepsPerEpoch + step + 1) / (WarmupEpochs * stepsPerEpoch);
        return Kind.ToLowerInvariant() switch
        {
            "constant" => baseRate,
            "step" => StepSize > 0
                ? baseRate * Math.Pow(Gamma, epoch / StepSize)
                : throw new ArgumentException($"Step schedule needs stepSize > 0, got {StepSize}"),
            "multistep" => baseRate * Math.Pow(Gamma, (Milestones ?? []).Count(m => epoch >= m)),
            "cosine" => CosineAt(baseRate, progress, totalEpochs),
            _ => throw new ArgumentException($"Unknown schedule '{Kind}'. Known: constant, step, multistep, cosine"),
        };
    }

    double CosineAt(double baseRate, double progress, int totalEpochs)
    {
        double span = totalEpochs - WarmupEpochs;
        double t = span <= 0 ? 1 : Math.Clamp((progress - WarmupEpochs) / span, 0, 1);
        return MinLearningRate + 0.5 * (baseRate - MinLearningRate) * (1 + Math.Cos(Math.PI * t));
    }

    public bool Equals(ScheduleSpec? other) =>
        other is not null && Kind == other.Kind && WarmupEpochs.Equals(other.WarmupEpochs) && StepSize == other.StepSize &&
        (Milestones ?? []).SequenceEqual(other.Milestones ?? []) && Gamma.Equals(other.Gamma) &&
        MinLearningRate.Equals(other.MinLearningRate);

    public override int GetHashCode() =>
        (Milestones ?? []).Aggregate(HashCode.Combine(Kind, WarmupEpochs, StepSize, Gamma, MinLearningRate), HashCode.Combine);
}
