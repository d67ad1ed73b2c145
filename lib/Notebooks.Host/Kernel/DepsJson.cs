using System.Text.Json.Nodes;

namespace Notebooks.Host.Kernel;

/// <summary>
/// Dependencies of a built (not published) library, read from its NAME.deps.json: a `dotnet build` of a class
/// library leaves its NuGet dependencies in the packages folder, and the deps file says where (package path +
/// runtime asset, native assets per runtime identifier). This lets #r "../lib/Distill/bin/Release/net10.0/Distill.dll"
/// find TorchSharp, Deedle and Plotly.NET whether or not they were copied beside it.
/// </summary>
public static class DepsJson
{
    public static RestoredPackages Resolve(string assemblyPath)
    {
        var depsFile = Path.ChangeExtension(assemblyPath, ".deps.json");
        if (!File.Exists(depsFile)) return new RestoredPackages([], [], []);
        JsonNode deps;
        try { deps = JsonNode.Parse(File.ReadAllText(depsFile))!; }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{depsFile}: not valid JSON: {e.Message}"); }
        var packagesFolder = PackagesFolder();
        var libraries = deps["libraries"] as JsonObject ?? new JsonObject();
        var target = (deps["targets"] as JsonObject)?.FirstOrDefault().Value as JsonObject ?? new JsonObject();
        var rids = NuGetRestore.RuntimeIdentifiers();
        var assemblies = new List<string>();
        var natives = new List<string>();
        var resolved = new List<string>();
        foreach (var (id, entry) in target)
        {
            if ((string?)libraries[id]?["type"] != "package" || entry is null) continue;
            var root = Path.Combine(packagesFolder, (string?)libraries[id]?["path"] ?? id.ToLowerInvariant());
            if (!Directory.Exists(root)) continue;
            resolved.Add(id.Replace('/', ' '));
            if (entry["runtime"] is JsonObject runtime)
                assemblies.AddRange(runtime.Select(kv => Path.GetFullPath(Path.Combine(root, kv.Key))).Where(File.Exists));
            if (entry["runtimeTargets"] is JsonObject targets)
                natives.AddRange(targets.Where(kv => (string?)kv.Value?["assetType"] == "native" && rids.Contains((string?)kv.Value?["rid"] ?? ""))
                    .Select(kv => Path.GetDirectoryName(Path.GetFullPath(Path.Combine(root, kv.Key)))!));
        }
        return new RestoredPackages(assemblies, natives.Distinct().ToList(), resolved);
    }

    /// <summary>$NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string PackagesFolder() => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
