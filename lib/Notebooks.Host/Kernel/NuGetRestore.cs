using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notebooks.Host.Kernel;

/// <summary>What a restore produced: managed runtime assemblies to reference and folders holding native libraries.</summary>
public sealed record RestoredPackages(IReadOnlyList<string> Assemblies, IReadOnlyList<string> NativeFolders, IReadOnlyList<string> Resolved);

/// <summary>
/// Resolves #r "nuget: ..." the way .NET Interactive does: a throw-away project (outside any repository, central
/// package management off) referencing every requested package is restored with `dotnet restore`, and
/// obj/project.assets.json names the runtime assemblies and native folders for this machine's runtime identifier.
/// Results are cached per package set under <see cref="CacheRoot"/>, so a second run restores nothing.
/// </summary>
public sealed class NuGetRestore(string cacheRoot)
{
    public string CacheRoot { get; } = cacheRoot;

    /// <summary>$NOTEBOOKS_CACHE, else ~/.cache/notebooks.</summary>
    public static string DefaultCacheRoot() =>
        Environment.GetEnvironmentVariable("NOTEBOOKS_CACHE") is { Length: > 0 } dir ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "notebooks");

    static string TargetFramework => $"net{Environment.Version.Major}.{Environment.Version.Minor}";

    public RestoredPackages Restore(IReadOnlyCollection<PackageRequest> packages, IReadOnlyCollection<string> sources)
    {
        var key = string.Join(";", packages.Select(p => p.ToString().ToLowerInvariant()).Order()) + "|" + string.Join(";", sources) + "|" + TargetFramework;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        var dir = Path.Combine(CacheRoot, "nuget", hash);
        var resultFile = Path.Combine(dir, "restored.json");
        if (File.Exists(resultFile) && JsonSerializer.Deserialize<RestoredPackages>(File.ReadAllText(resultFile)) is { } cached
            && cached.Assemblies.All(File.Exists))
            return cached;

        Directory.CreateDirectory(dir);
        var project = Path.Combine(dir, "restore.csproj");
        File.WriteAllText(project, ProjectXml(packages, sources));
        RunRestore(project, packages);
        var result = ReadAssets(Path.Combine(dir, "obj", "project.assets.json"), packages);
        var temp = resultFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(result));
        File.Move(temp, resultFile, overwrite: true);
        return result;
    }

    static string ProjectXml(IEnumerable<PackageRequest> packages, IEnumerable<string> sources)
    {
        var xml = new StringBuilder();
        xml.AppendLine("<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>");
        xml.AppendLine($"    <TargetFramework>{TargetFramework}</TargetFramework>");
        xml.AppendLine("    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>");
        xml.AppendLine("    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>");
        xml.AppendLine("    <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>");
        xml.AppendLine("    <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>");
        xml.AppendLine("    <EnableDefaultItems>false</EnableDefaultItems>");
        xml.AppendLine("    <NoWarn>$(NoWarn);NU1603;NU1604;NU1701</NoWarn>");
        var extra = string.Join(";", sources.Select(SecurityElement.Escape));
        if (extra.Length > 0) xml.AppendLine($"    <RestoreAdditionalProjectSources>{extra}</RestoreAdditionalProjectSources>");
        xml.AppendLine("  </PropertyGroup>\n  <ItemGroup>");
        foreach (var p in packages)
            xml.AppendLine($"    <PackageReference Include=\"{SecurityElement.Escape(p.Name)}\" Version=\"{SecurityElement.Escape(p.Version ?? "*")}\" />");
        xml.AppendLine("  </ItemGroup>\n</Project>");
        return xml.ToString();
    }

    static void RunRestore(string project, IReadOnlyCollection<PackageRequest> packages)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "restore", project, "--nologo", "-v", "q", "-p:UseSharedCompilation=false", "-nodeReuse:false" })
            start.ArgumentList.Add(arg);
        // A host started by `dotnet test` inherits MSBuild's variables; they would point the child at the wrong SDK parts.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{dotnet} restore'");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new PackageRestoreException(packages, "dotnet restore did not finish within 5 minutes");
        }
        if (process.ExitCode != 0)
        {
            var errors = (stdout.Result + "\n" + stderr.Result).Split('\n')
                .Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))
                .Select(l => l.Trim()).Distinct().Take(5);
            throw new PackageRestoreException(packages, string.Join("\n", errors));
        }
    }

    static RestoredPackages ReadAssets(string assetsPath, IReadOnlyCollection<PackageRequest> packages)
    {
        var assets = JsonNode.Parse(File.ReadAllText(assetsPath))!;
        var packageFolder = (assets["packageFolders"] as JsonObject)?.Select(kv => kv.Key).FirstOrDefault()
            ?? throw new PackageRestoreException(packages, $"{assetsPath} names no package folder");
        var libraries = assets["libraries"] as JsonObject ?? new JsonObject();
        var target = (assets["targets"] as JsonObject)?[TargetFramework] as JsonObject
            ?? throw new PackageRestoreException(packages, $"{assetsPath} has no {TargetFramework} target");
        var assemblies = new List<string>();
        var natives = new List<string>();
        var resolved = new List<string>();
        var rids = RuntimeIdentifiers();
        foreach (var (id, entry) in target)
        {
            if ((string?)entry?["type"] != "package") continue;
            resolved.Add(id.Replace('/', ' '));
            var root = Path.Combine(packageFolder, (string?)libraries[id]?["path"] ?? id.ToLowerInvariant());
            if (entry["runtime"] is JsonObject runtime)
                assemblies.AddRange(runtime.Select(kv => kv.Key).Where(f => !f.EndsWith("/_._"))
                    .Select(f => Path.GetFullPath(Path.Combine(root, f))));
            if (entry["runtimeTargets"] is JsonObject targets)
                natives.AddRange(targets.Where(kv => (string?)kv.Value?["assetType"] == "native" && rids.Contains((string?)kv.Value?["rid"] ?? ""))
                    .Select(kv => Path.GetDirectoryName(Path.GetFullPath(Path.Combine(root, kv.Key)))!).Distinct());
        }
        return new RestoredPackages(assemblies, natives.Distinct().ToList(), resolved);
    }

    /// <summary>This machine's runtime identifier and the portable ones it falls back to (linux-x64, linux, unix, any).</summary>
    public static IReadOnlyList<string> RuntimeIdentifiers()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        return new[] { RuntimeInformation.RuntimeIdentifier, $"{os}-{arch}", os, OperatingSystem.IsWindows() ? "win" : "unix", "any" }.Distinct().ToList();
    }
}

/// <summary>A package set that could not be restored: names the packages and NuGet's own errors.</summary>
public sealed class PackageRestoreException(IEnumerable<PackageRequest> packages, string detail)
    : Exception($"could not restore {string.Join("; ", packages.Select(p => $"nuget: {p}"))}: {detail}");
