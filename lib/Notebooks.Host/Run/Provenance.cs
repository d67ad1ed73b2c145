using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Notebooks.Host.Run;

/// <summary>
/// Where a run came from, kept in the executed notebook's metadata ("notebooks_host") and shown at the top of the report:
/// when it started, the commit of the notebook's repository (with "-dirty" when the work tree had changes), the
/// parameters and profile, the device line of the library's runtime when a cell initialised it, the machine, and the
/// duration of the whole run (each cell's duration is in its own metadata).
/// </summary>
static class Provenance
{
    public static JsonObject Of(string notebookFolder, DateTimeOffset started, IReadOnlyDictionary<string, string> overrides, double seconds,
        string status, string? failedCell) => new()
    {
        ["status"] = status,
        ["failed_cell"] = failedCell,
        ["started"] = started.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
        ["commit"] = Commit(notebookFolder),
        ["profile"] = overrides.TryGetValue("Profile", out var profile) ? profile : "(notebook default)",
        ["parameters"] = new JsonObject(overrides.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        ["device"] = Device() ?? "(no cell initialised the library's runtime)",
        ["machine"] = $"{RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, .NET {Environment.Version}",
        ["duration_s"] = Math.Round(seconds, 2),
    };

    /// <summary>The one line Distill.Runtime.TorchRuntime.Current gives ("distill: device cpu, libtorch 2.10.0.0, ..."), read without a reference to the library.</summary>
    static string? Device()
    {
        var runtime = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType("Distill.Runtime.TorchRuntime")).FirstOrDefault(t => t is not null);
        try { return runtime?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)?.ToString(); }
        catch (TargetInvocationException) { return null; }   // loaded but never initialised
    }

    static string Commit(string folder)
    {
        var head = Git(folder, "rev-parse HEAD");
        if (head is null) return "(not a git checkout)";
        return Git(folder, "status --porcelain --untracked-files=no") is { Length: > 0 } ? head + "-dirty" : head;
    }

    static string? Git(string folder, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            using var git = Process.Start(start)!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }   // no git on this machine
    }
}
