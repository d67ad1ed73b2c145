using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Distill.Experiments;

/// <summary>
/// A training run as data, whatever the task (<see cref="Experiment"/>: classifiers and CoViAR video networks;
/// <see cref="Detection.DetectionExperiment"/>: Faster R-CNN). Its <see cref="Hash"/>, a digest of its canonical JSON,
/// names its folder in the <see cref="ResultStore"/>, so equal configs share one result.
/// </summary>
public interface IExperiment
{
    string Name { get; }
    int Seed { get; }
    string Profile { get; }
    int Epochs { get; }
    int BatchSize { get; }

    /// <summary>DRY RUN ONLY: the cap the run ran under (<see cref="Experiments.DryRun"/>), null for a real run.</summary>
    DryRun? DryRun { get; }
    Training.OptimizerSpec Optimizer { get; }
    Training.ScheduleSpec Schedule { get; }

    /// <summary>12 hex digits of the SHA-256 of the canonical (compact) JSON: the identity of this config.</summary>
    string Hash { get; }

    string ToJson();

    /// <summary>Throws <see cref="InvalidDataException"/> listing every problem, prefixed by <paramref name="source"/>.</summary>
    void Validate(string source);
}

/// <summary>The JSON, hash, parsing and common checks every experiment record shares.</summary>
public static class ExperimentJson
{
    /// <summary>Indented, camelCase, nulls left out: config.json and summary.json.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static string Hash<T>(T config) where T : IExperiment => Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(config, Compact))))[..12];

    /// <summary>Parses and validates a config of type <typeparamref name="T"/> (<paramref name="kind"/> names it in errors); errors name the source.</summary>
    public static T Parse<T>(string json, string source, string kind) where T : class, IExperiment
    {
        T? e;
        try { e = JsonSerializer.Deserialize<T>(json, Options); }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a valid {kind} at {ex.Path} (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
        if (e is null) throw new InvalidDataException($"{source}: empty {kind}");
        e.Validate(source);
        return e;
    }

    /// <summary>The checks every experiment passes: a file-name-safe name, positive epochs, batch size and subset sizes, a known profile.</summary>
    public static List<string> CommonProblems(string name, int epochs, int batchSize, int? trainImages, int? testImages, string profile)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ' ']) >= 0)
            problems.Add($"name '{name}' must be a non-empty file-name-safe word");
        if (epochs <= 0) problems.Add($"epochs must be > 0 (got {epochs})");
        if (batchSize <= 0) problems.Add($"batchSize must be > 0 (got {batchSize})");
        if (trainImages is <= 0) problems.Add($"trainImages must be > 0 when given (got {trainImages})");
        if (testImages is <= 0) problems.Add($"testImages must be > 0 when given (got {testImages})");
        if (!Profiles.All.Contains(profile)) problems.Add($"profile '{profile}' is not one of {string.Join(", ", Profiles.All)}");
        return problems;
    }

    /// <summary>Throws when <paramref name="problems"/> is not empty.</summary>
    public static void Throw(string source, List<string> problems)
    {
        if (problems.Count > 0) throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
    }
}
