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

    public string FolderOf(IExperiment e) => Path.Combine(Root, $"{e.Name}-{e.Hash}");

    /// <summary>The stored result of <paramref name="e"/> if it finished, else null.</summary>
    public ExperimentResult? TryLoad(Experiment e) => TryLoad<Experiment, ExperimentResult>(e);

    /// <summary>Every finished experiment under the root (folders with a summary), ordered by name and seed.</summary>
    public IReadOnlyList<ExperimentResult> Finished() => Finished<Experiment, ExperimentResult>();

    /// <summary>The finished experiment a <see cref="TeacherSpec"/> names (see <see cref="Find{TConfig,TRun}"/>).</summary>
    public ExperimentResult FindTeacher(TeacherSpec teacher, int studentSeed) => Find<Experiment, ExperimentResult>(teacher, studentSeed);

    /// <summary>The stored run of <paramref name="e"/> if it finished (its folder has a summary), else null.</summary>
    public TRun? TryLoad<TConfig, TRun>(TConfig e) where TConfig : IExperiment where TRun : class, IStoredRun<TRun, TConfig>
    {
        var folder = FolderOf(e);
        return File.Exists(Path.Combine(folder, SummaryFile)) ? TRun.Open(folder, e, reused: true) : null;
    }

    /// <summary>Every finished run of this kind under the root (folders with config and summary), ordered by name and seed.</summary>
    public IReadOnlyList<TRun> Finished<TConfig, TRun>() where TConfig : IExperiment where TRun : class, IStoredRun<TRun, TConfig>
    {
        if (!Directory.Exists(Root)) return [];
        var cap = DryRun.Current;   // read once, not per folder
        return Directory.EnumerateDirectories(Root)
            .Where(d => File.Exists(Path.Combine(d, SummaryFile)) && File.Exists(Path.Combine(d, ConfigFile)))
            .Select(d => TRun.Open(d, default, reused: true))
            .Where(r => Equals(r.Config.DryRun, cap))   // dry runs and real runs never see each other
            .OrderBy(r => r.Config.Name, StringComparer.Ordinal).ThenBy(r => r.Config.Seed)
            .ToList();
    }

    /// <summary>
    /// The finished run a <see cref="TeacherSpec"/> names: by name, then by the spec's seed, else the student's seed,
    /// else the only one. Errors list what is there.
    /// </summary>
    public TRun Find<TConfig, TRun>(TeacherSpec teacher, int studentSeed) where TConfig : IExperiment where TRun : class, IStoredRun<TRun, TConfig>
    {
        var named = Finished<TConfig, TRun>().Where(r => r.Config.Name == teacher.Experiment).ToList();
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

    /// <summary>
    /// The folder of a run about to train: created (emptied first when <paramref name="fresh"/>), with config.json written.
    /// Checkpoints already there are the trainer's to resume from.
    /// </summary>
    public string Begin(IExperiment e, bool fresh)
    {
        var folder = FolderOf(e);
        if (fresh && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        Training.AtomicFile.WriteText(Path.Combine(folder, ConfigFile), e.ToJson());
        return folder;
    }

    /// <summary>Writes summary.json, which marks the run in <paramref name="folder"/> finished.</summary>
    public static void Finish<TSummary>(string folder, TSummary summary) =>
        Training.AtomicFile.WriteText(Path.Combine(folder, SummaryFile), System.Text.Json.JsonSerializer.Serialize(summary, ExperimentJson.Options));

    /// <summary>The summary.json of a finished run; a bad file is named.</summary>
    public static TSummary ReadSummary<TSummary>(string folder)
    {
        var path = Path.Combine(folder, SummaryFile);
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<TSummary>(File.ReadAllText(path), ExperimentJson.Options)
                   ?? throw new System.Text.Json.JsonException("empty");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path}: not a {typeof(TSummary).Name} ({e.Message})", e);
        }
    }
}

/// <summary>A finished run as a <see cref="ResultStore"/> holds it: its config and folder (config.json, metrics.jsonl, checkpoints/, summary.json).</summary>
public interface IStoredRun<TSelf, TConfig> where TSelf : IStoredRun<TSelf, TConfig> where TConfig : IExperiment
{
    TConfig Config { get; }
    string Folder { get; }

    /// <summary>The finished run in <paramref name="folder"/>; its config is <paramref name="config"/>, or read from config.json when null.</summary>
    static abstract TSelf Open(string folder, TConfig? config, bool reused);
}
