namespace Distill.Experiments;

/// <summary>
/// The results/ folder: one folder per experiment config, named "&lt;name&gt;-&lt;hash&gt;", holding config.json,
/// metrics.jsonl, checkpoints/ and, once finished, summary.json. DISTILL_RESULTS overrides the default root.
/// </summary>
public sealed class ResultStore(string root)
{
    public const string RootVariable = "DISTILL_RESULTS";
    public const string ConfigFile = "config.json";
    public const string MetricsFile = "metrics.jsonl";
    public const string SummaryFile = "summary.json";
    public const string CheckpointsFolder = "checkpoints";

    /// <summary>The root DISTILL_RESULTS names, or null when it is unset or empty.</summary>
    public static string? ConfiguredRoot => Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } r ? r : null;

    /// <summary>$DISTILL_RESULTS, else results/ of the repository (<see cref="Repository"/>).</summary>
    public static ResultStore Default => new(ConfiguredRoot ?? Repository.PathOf("results"));

    /// <summary>The folder, relative to the repository, that holds committed result stores (runs too long for CI).</summary>
    public const string MeasuredFolder = "notebooks/measured";

    /// <summary>
    /// The committed store <paramref name="name"/> (notebooks/measured/&lt;name&gt;), found from <paramref name="start"/>
    /// (default: the current directory, the notebook's folder in every notebook host) and its parents, or null when there is none.
    /// </summary>
    public static ResultStore? Measured(string name, string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, MeasuredFolder, name);
            if (Directory.Exists(candidate)) return new ResultStore(candidate);
        }
        return null;
    }

    public string Root { get; } = Path.GetFullPath(root);

    public string FolderOf(Experiment e) => Path.Combine(Root, $"{e.Name}-{e.Hash}");

    /// <summary>The stored result of <paramref name="e"/> if it finished, else null.</summary>
    public ExperimentResult? TryLoad(Experiment e)
    {
        var folder = FolderOf(e);
        var summary = Path.Combine(folder, SummaryFile);
        return File.Exists(summary) ? new ExperimentResult(e, ExperimentResult.ReadSummary(summary), folder, Reused: true) : null;
    }

    /// <summary>
    /// Every finished experiment under the root (folders with a summary), ordered by name and seed; only real runs, or
    /// under a dry-run cap only the runs of that cap (<see cref="DryRun"/>).
    /// </summary>
    public IReadOnlyList<ExperimentResult> Finished() =>
        !Directory.Exists(Root)
            ? []
            : Directory.EnumerateDirectories(Root)
                .Where(d => File.Exists(Path.Combine(d, SummaryFile)) && File.Exists(Path.Combine(d, ConfigFile)))
                .Select(d => new ExperimentResult(Experiment.Load(Path.Combine(d, ConfigFile)),
                    ExperimentResult.ReadSummary(Path.Combine(d, SummaryFile)), d, Reused: true))
                .Where(r => Equals(r.Config.DryRun, DryRun.Current))   // dry runs and real runs never see each other
                .OrderBy(r => r.Config.Name, StringComparer.Ordinal).ThenBy(r => r.Config.Seed)
                .ToList();

    /// <summary>
    /// The finished experiment a <see cref="TeacherSpec"/> names: by name, then by the spec's seed, else the
    /// student's seed, else the only one. Errors list what is there.
    /// </summary>
    public ExperimentResult FindTeacher(TeacherSpec teacher, int studentSeed)
    {
        var named = Finished().Where(r => r.Config.Name == teacher.Experiment).ToList();
        if (named.Count == 0)
            throw new InvalidOperationException(
                $"Teacher experiment '{teacher.Experiment}' has no finished run in {Root}. Train it first (distill train <its config>).");
        if (teacher.Seed is int wanted)
            return named.FirstOrDefault(r => r.Config.Seed == wanted)
                   ?? throw new InvalidOperationException(
                       $"Teacher experiment '{teacher.Experiment}' has no finished run with seed {wanted}; seeds there: {string.Join(", ", named.Select(r => r.Config.Seed))}");
        var sameSeed = named.Where(r => r.Config.Seed == studentSeed).ToList();
        if (sameSeed.Count == 1) return sameSeed[0];
        if (named.Count == 1) return named[0];
        throw new InvalidOperationException(
            $"Teacher experiment '{teacher.Experiment}' is ambiguous: {string.Join(", ", named.Select(r => Path.GetFileName(r.Folder)))}. Give its seed in the teacher spec.");
    }
}
