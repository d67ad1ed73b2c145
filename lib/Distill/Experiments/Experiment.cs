using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Losses;
using Distill.Models;
using Distill.Training;

namespace Distill.Experiments;

/// <summary>
/// A teacher of an experiment: a finished experiment of the same result store, by name. When several seeds of it
/// are finished, <see cref="Seed"/> picks one; left out, the student's own seed is used if that one is there.
/// </summary>
public sealed record TeacherSpec(string Experiment, int? Seed = null);

/// <summary>
/// One training run as data (torchdistill's "the experiment is data"): data set, teacher(s), student, weighted loss
/// terms, optimiser, schedule, epochs, seed and profile ("smoke": CPU, minutes, small subsets; "paper": the full
/// schedule on a GPU). <see cref="StartFrom"/> names a finished experiment whose final student weights initialise
/// this student (two-stage training, e.g. FSP's stage 1 then stage 2). Its <see cref="Hash"/> is a digest of its
/// canonical JSON and names its folder in the <see cref="ResultStore"/>, so equal configs share one result.
/// </summary>
public sealed record Experiment
{
    public required string Name { get; init; }
    public required string DataSet { get; init; }
    public required ModelSpec Student { get; init; }
    public IReadOnlyList<TeacherSpec> Teachers { get; init; } = [];
    public required IReadOnlyList<LossSpec> Losses { get; init; }
    public OptimizerSpec Optimizer { get; init; } = new();
    public ScheduleSpec Schedule { get; init; } = new();
    public required int Epochs { get; init; }
    public int BatchSize { get; init; } = 128;
    public int Seed { get; init; }
    public string Profile { get; init; } = Profiles.Smoke;
    public string? StartFrom { get; init; }

    /// <summary>Train on the first this many training images (null: the profile's subset). Left out of the JSON when null.</summary>
    public int? TrainImages { get; init; }

    /// <summary>Evaluate on the first this many test images (null: the profile's subset). Left out of the JSON when null.</summary>
    public int? TestImages { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>12 hex digits of the SHA-256 of the canonical (compact) JSON: the identity of this config.</summary>
    [JsonIgnore]
    public string Hash => Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Compact))))[..12];

    /// <summary>The same experiment with another seed (a repeat of the config).</summary>
    public Experiment WithSeed(int seed) => this with { Seed = seed };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses and validates a config; errors name the file.</summary>
    public static Experiment FromJson(string json, string source = "config")
    {
        Experiment? e;
        try { e = JsonSerializer.Deserialize<Experiment>(json, Json); }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a valid experiment config at {ex.Path} (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
        if (e is null) throw new InvalidDataException($"{source}: empty experiment config");
        e.Validate(source);
        return e;
    }

    public static Experiment Load(string path) => FromJson(File.ReadAllText(path), path);

    public void Validate(string source = "experiment")
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ' ']) >= 0)
            problems.Add($"name '{Name}' must be a non-empty file-name-safe word");
        if (string.IsNullOrWhiteSpace(DataSet)) problems.Add("dataSet is missing");
        if (Student is null) problems.Add("student is missing");
        if (Losses is null || Losses.Count == 0) problems.Add("losses must list at least one term");
        if (Epochs <= 0) problems.Add($"epochs must be > 0 (got {Epochs})");
        if (BatchSize <= 0) problems.Add($"batchSize must be > 0 (got {BatchSize})");
        if (TrainImages is <= 0) problems.Add($"trainImages must be > 0 when given (got {TrainImages})");
        if (TestImages is <= 0) problems.Add($"testImages must be > 0 when given (got {TestImages})");
        if (!Profiles.All.Contains(Profile)) problems.Add($"profile '{Profile}' is not one of {string.Join(", ", Profiles.All)}");
        if (problems.Count > 0) throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
    }

    static readonly JsonSerializerOptions Compact = new(Json) { WriteIndented = false };
}

/// <summary>
/// Run profiles. Every notebook has "smoke" (CI: minutes on 2 CPU cores, a pipeline check) and "paper" (full data and
/// schedule, GPU). "cpu" is notebook 02's largest run that fits two CPU cores in about an hour, for machines without a GPU.
/// </summary>
public static class Profiles
{
    public const string Smoke = "smoke";
    public const string Cpu = "cpu";
    public const string CpuFull = "cpu-full";
    public const string Paper = "paper";
    public static readonly IReadOnlyList<string> All = [Smoke, Cpu, CpuFull, Paper];

    /// <summary>The error for a profile that a study does not define (e.g. "cpu" outside notebook 02).</summary>
    public static ArgumentException NotDefined(string profile, string study, params string[] defined) =>
        new($"The {study} has no profile '{profile}'; use {string.Join(" or ", defined)}.");
}
