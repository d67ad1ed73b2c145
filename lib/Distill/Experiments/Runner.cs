using Distill.Runtime;
using Distill.Training;

namespace Distill.Experiments;

/// <summary>
/// Runs experiments of one kind against a <see cref="ResultStore"/>, the same way for every task: a finished one is
/// returned from its summary without training; an unfinished one resumes from its newest good checkpoint;
/// <see cref="Force"/> starts afresh. The task's runner (<see cref="ExperimentRunner"/>,
/// <see cref="Detection.DetectionRunner"/>) builds its trainee and trains it with a <see cref="Trainer{TMetrics}"/>.
/// </summary>
public abstract class Runner<TConfig, TRun>(ResultStore store) where TConfig : IExperiment where TRun : class, IStoredRun<TRun, TConfig>
{
    public ResultStore Store => store;

    /// <summary>Delete any stored result or checkpoint of the config and train from scratch.</summary>
    public bool Force { get; init; }

    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Steps between NaN checks and progress reports (see <see cref="TrainerOptions.CheckEvery"/>).</summary>
    public int CheckEvery { get; init; } = 50;

    public TextWriter? Log { get; init; }

    public TRun Run(TConfig planned)
    {
        var e = DryRun.Apply(planned);   // unchanged unless DISTILL_DRY_RUN caps it
        e.Validate(e.Name);
        if (!Force && store.TryLoad<TConfig, TRun>(e) is { } done) return done;
        var folder = store.Begin(e, fresh: Force);
        TorchRuntime.Seed(e.Seed, TorchRuntime.Current.IsCuda);
        return DryRun.Measured(e.DryRun, folder, planned.Epochs, planned.BatchSize, () => Train(e, folder));
    }

    /// <summary>Runs (or reuses) each experiment in order; teachers must come before their students.</summary>
    public IReadOnlyList<TRun> RunAll(IEnumerable<TConfig> experiments) => experiments.Select(Run).ToList();

    /// <summary>Trains <paramref name="e"/> in its <paramref name="folder"/> (seeded, config written) and stores its summary.</summary>
    protected abstract TRun Train(TConfig e, string folder);

    /// <summary>The trainer's options for <paramref name="e"/>: its epochs, optimiser, schedule and seed, this runner's reporting.</summary>
    protected TrainerOptions Options(TConfig e, string folder) => new()
    {
        Epochs = e.Epochs,
        Optimizer = e.Optimizer,
        Schedule = e.Schedule,
        Seed = e.Seed,
        Folder = folder,
        CheckEvery = CheckEvery,
        Progress = Progress,
        Log = Log,
    };
}
