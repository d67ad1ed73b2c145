using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Losses;

namespace Distill.Experiments;

/// <summary>
/// Rewrites experiment configs from the numbers-only loss parameters (before typed parameters) to today's form, and
/// renames result folders to the new config hashes. Old form -> new form:
/// <list type="bullet">
/// <item>offline_ensemble "mean": 1 -> "mixture": "mean" ("mean": 0 is the default and is dropped);</item>
/// <item>multi_teacher "weight_0", "weight_1", ... -> "weights": [...];</item>
/// <item>fsp / cross_layer "max_pooling", "mean_over_pairs": 0/1 -> false/true (false dropped); "min_gap": 1 -> dropped
/// (every pair), 2 -> "pairs": "non_adjacent"; and "stem": false, because the old Gram terms read the stages only while
/// today's include the stem when both networks tap one.</item>
/// </list>
/// Already migrated configs are left as they are, so running it twice changes nothing.
/// </summary>
public static class LossConfigMigration
{
    /// <summary>The loss spec in today's form.</summary>
    public static LossSpec Upgrade(LossSpec spec)
    {
        var p = (JsonObject)spec.Parameters.DeepClone();
        switch (spec.Name)
        {
            case HintonKd.Names.OfflineEnsemble when p["mean"] is JsonValue mean:
                p.Remove("mean");
                if (Switch(spec, "mean", mean)) p["mixture"] = "mean";
                break;
            case HintonKd.Names.MultiTeacher:
                var numbered = p.Where(kv => kv.Key.StartsWith("weight_", StringComparison.Ordinal))
                    .OrderBy(kv => int.Parse(kv.Key.AsSpan("weight_".Length))).ToList();
                if (numbered.Count == 0) break;
                p["weights"] = new JsonArray(numbered.Select(kv => (JsonNode?)kv.Value!.DeepClone()).ToArray());
                foreach (var kv in numbered) p.Remove(kv.Key);
                break;
            case Fsp.Names.Fsp or Fsp.Names.CrossLayer when !p.ContainsKey("stem"):
                foreach (var key in new[] { "max_pooling", "mean_over_pairs" })
                    if (p[key] is JsonValue flag)
                    {
                        p.Remove(key);
                        if (Switch(spec, key, flag)) p[key] = true;
                    }
                if (p["min_gap"] is JsonValue gap)
                {
                    p.Remove("min_gap");
                    switch (gap.GetValue<double>())
                    {
                        case 1: break;
                        case 2: p["pairs"] = "non_adjacent"; break;
                        default: throw new InvalidDataException($"Loss term '{spec.Name}': min_gap {gap} has no counterpart (1 or 2).");
                    }
                }
                p["stem"] = false;
                break;
        }
        return new LossSpec(spec.Name, spec.Weight, p);
    }

    /// <summary>
    /// Migrates every run folder under <paramref name="root"/>: config.json rewritten, summary.json's hash and loss list
    /// updated, the folder renamed to "&lt;name&gt;-&lt;new hash&gt;". Returns (old folder name, new folder name) of each
    /// folder whose name changed.
    /// </summary>
    public static IReadOnlyList<(string From, string To)> MigrateStore(string root)
    {
        var renamed = new List<(string, string)>();
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var configPath = Path.Combine(folder, ResultStore.ConfigFile);
            if (!File.Exists(configPath)) continue;
            var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
            var losses = config["losses"]!.AsArray();
            var upgraded = losses.Select(l => Upgrade(l.Deserialize<LossSpec>(Experiment.Json)!)).ToList();
            config["losses"] = JsonSerializer.SerializeToNode(upgraded, Experiment.Json);
            var experiment = Experiment.FromJson(config.ToJsonString(), configPath);
            var target = Path.Combine(root, $"{experiment.Name}-{experiment.Hash}");
            if (Path.GetFullPath(target) == Path.GetFullPath(folder)) continue;   // nothing to migrate: same config, same hash
            File.WriteAllText(configPath, experiment.ToJson());
            var summaryPath = Path.Combine(folder, ResultStore.SummaryFile);
            if (File.Exists(summaryPath))
            {
                var summary = JsonNode.Parse(File.ReadAllText(summaryPath))!.AsObject();
                summary["hash"] = experiment.Hash;
                summary["losses"] = new JsonArray(upgraded.Select(l => (JsonNode?)l.ToString()).ToArray());
                File.WriteAllText(summaryPath, summary.ToJsonString(SummaryJson));
            }
            if (Directory.Exists(target)) throw new IOException($"Cannot rename {folder} to {target}: it exists.");
            Directory.Move(folder, target);
            renamed.Add((Path.GetFileName(folder), Path.GetFileName(target)));
        }
        return renamed;
    }

    /// <summary>As the runner writes summaries (indented), without escaping the '+' of their time stamps.</summary>
    static readonly JsonSerializerOptions SummaryJson = new(Experiment.Json) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static bool Switch(LossSpec spec, string key, JsonValue value) => value.GetValue<double>() switch
    {
        0 => false,
        1 => true,
        var v => throw new InvalidDataException($"Loss term '{spec.Name}': old switch '{key}' is {v}, not 0 or 1."),
    };
}
