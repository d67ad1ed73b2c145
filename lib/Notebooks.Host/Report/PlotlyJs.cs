using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace Notebooks.Host.Report;

/// <summary>
/// The plotly.js bundle for offline reports. Plotly.NET 6 embeds plotly.min.js as a manifest resource
/// ("Plotly.NET.plotly-2.28.0.min.js"); it is read from a Plotly.NET assembly already loaded by the notebook, else
/// from Plotly.NET.dll in the NuGet packages folder (the host project restores Plotly.NET for this), without loading
/// it. Nothing is downloaded and no copy of plotly.js lives in the repository.
/// </summary>
public static class PlotlyJs
{
    static readonly Lazy<(string Version, string Script)> Bundle = new(Find);

    public static string Version => Bundle.Value.Version;
    public static string Script => Bundle.Value.Script;

    static (string, string) Find()
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "Plotly.NET"))
            if (FromLoaded(assembly) is { } found) return found;
        var tried = new List<string>();
        foreach (var dll in CandidateFiles())
        {
            tried.Add(dll);
            if (FromFile(dll) is { } found) return found;
        }
        throw new FileNotFoundException("plotly.js for the report: no Plotly.NET assembly with an embedded plotly.min.js was loaded or found" +
            (tried.Count > 0 ? $" (looked in {string.Join(", ", tried)})" : $" under {PackagesFolder()}/plotly.net") + "; restore Plotly.NET (dotnet restore lib/Notebooks.Host).");
    }

    static (string, string)? FromLoaded(Assembly assembly)
    {
        var name = assembly.GetManifestResourceNames().FirstOrDefault(IsBundle);
        if (name is null) return null;
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return (VersionOf(name), reader.ReadToEnd());
    }

    /// <summary>Reads the resource straight from the PE image, so the dll is never loaded into the process.</summary>
    static (string, string)? FromFile(string dll)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var name = metadata.GetString(resource.Name);
            if (!IsBundle(name) || !resource.Implementation.IsNil) continue;
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var block = pe.GetSectionData(directory.RelativeVirtualAddress);
            var reader = block.GetReader((int)resource.Offset, block.Length - (int)resource.Offset);
            int length = reader.ReadInt32();
            return (VersionOf(name), Encoding.UTF8.GetString(reader.ReadBytes(length)));
        }
        return null;
    }

    static bool IsBundle(string resource) => resource.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && resource.EndsWith(".min.js", StringComparison.Ordinal);

    static string VersionOf(string resource) => resource["Plotly.NET.plotly-".Length..^".min.js".Length];

    /// <summary>NuGet's global packages folder: $NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    static string PackagesFolder() => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
        ? configured
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    static IEnumerable<string> CandidateFiles()
    {
        var root = Path.Combine(PackagesFolder(), "plotly.net");
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateDirectories(root)
            .OrderByDescending(d => System.Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version())
            .SelectMany(d => Directory.EnumerateFiles(d, "Plotly.NET.dll", SearchOption.AllDirectories));
    }
}
