using Distill.Training;

namespace Distill.Experiments;

/// <summary>summary.json of a finished experiment: final and best accuracies, cost, size.</summary>
/// <param name="Arithmetic">Where it was trained, as far as that decides the numbers (<see cref="Runtime.RuntimeInfo.Arithmetic"/>);
/// null in runs stored before 2026-12-05.</param>
public sealed record ExperimentSummary(
    string Name,
    string Hash,
    int Seed,
    string DataSet,
    string Profile,
    string Student,
    IReadOnlyList<string> Teachers,
    IReadOnlyList<string> Losses,
    int Epochs,
    double TestTop1,
    double TestTop5,
    double BestTop1,
    double TestLoss,
    double TrainSeconds,
    long StudentParameters,
    DateTimeOffset Finished,
    string? Arithmetic = null);

/// <summary>A finished experiment as stored: its config, summary, folder, and whether this call reused it.</summary>
public sealed record ExperimentResult(Experiment Config, ExperimentSummary Summary, string Folder, bool Reused)
    : IStoredRun<ExperimentResult, Experiment>
{
    /// <summary>Every epoch's metrics, read from metrics.jsonl.</summary>
    public IReadOnlyList<EpochMetrics> History() => MetricsLog.Read(Path.Combine(Folder, ResultStore.MetricsFile));

    public static ExperimentResult Open(string folder, Experiment? config, bool reused) =>
        new(config ?? Experiment.Load(Path.Combine(folder, ResultStore.ConfigFile)), ResultStore.ReadSummary<ExperimentSummary>(folder), folder, reused);
}

/// <summary>Mean and sample standard deviation of several seeds of one config.</summary>
public sealed record SeedAggregate(string Name, int Runs, double MeanTop1, double StdTop1, double MeanTop5, double StdTop5)
{
    public static SeedAggregate Of(IReadOnlyList<ExperimentResult> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("No runs to aggregate.", nameof(runs));
        var names = runs.Select(r => r.Config.Name).Distinct().ToList();
        if (names.Count > 1) throw new ArgumentException($"Runs of different experiments: {string.Join(", ", names)}");
        var (m1, s1) = MeanStd(runs.Select(r => r.Summary.TestTop1).ToList());
        var (m5, s5) = MeanStd(runs.Select(r => r.Summary.TestTop5).ToList());
        return new SeedAggregate(names[0], runs.Count, m1, s1, m5, s5);
    }

    /// <summary>Mean and the n-1 (sample) standard deviation; the deviation of a single run is 0.</summary>
    public static (double Mean, double Std) MeanStd(IReadOnlyList<double> xs)
    {
        double mean = xs.Average();
        double std = xs.Count < 2 ? 0 : Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
        return (mean, std);
    }

    public override string ToString() => $"{Name}: top-1 {MeanTop1:P2} ± {StdTop1:P2}, top-5 {MeanTop5:P2} ± {StdTop5:P2} ({Runs} seeds)";
}
