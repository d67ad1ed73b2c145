namespace Distill.Training;

/// <summary>How a <see cref="Trainer"/> runs: schedule, optimiser, where it writes, how often it checks and reports.</summary>
public sealed record TrainerOptions
{
    public required int Epochs { get; init; }
    public OptimizerSpec Optimizer { get; init; } = new();
    public ScheduleSpec Schedule { get; init; } = new();

    /// <summary>Seeds torch and the managed generator at every epoch start, from (seed, epoch).</summary>
    public int Seed { get; init; }

    /// <summary>Run folder: metrics.jsonl and checkpoints/ go here; null writes nothing and never resumes.</summary>
    public string? Folder { get; init; }

    /// <summary>Steps between loss checks (NaN/inf) and progress reports; each check is one host sync.</summary>
    public int CheckEvery { get; init; } = 50;

    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>Channels-last and TF32; null picks what the device supports (<see cref="DeviceTuning.For"/>).</summary>
    public DeviceTuning? Tuning { get; init; }

    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Where resume and fallback notes go (standard error when null).</summary>
    public TextWriter? Log { get; init; }
}
