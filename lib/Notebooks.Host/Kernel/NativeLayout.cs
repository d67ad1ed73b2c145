using System.Security.Cryptography;
using System.Text;

namespace Notebooks.Host.Kernel;

/// <summary>
/// Lays the restored packages of a notebook out the way `dotnet build` lays out an application: every runtime
/// assembly and every native library for this machine's runtime identifier side by side in one folder (symbolic
/// links into the NuGet packages folder, copies where links cannot be made). Native code that finds its
/// neighbours through RUNPATH $ORIGIN (libLibTorchSharp.so needs libtorch.so, which ships in another package) and
/// loaders that look beside the managed assembly (TorchSharp's, Distill's TorchNative) then work in the host as
/// they do in a built program. The folder is keyed by the file set, kept under the restore cache and reused.
/// </summary>
public static class NativeLayout
{
    public static RestoredPackages Arrange(RestoredPackages packages, string cacheRoot)
    {
        var natives = packages.NativeFolders.Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder)).ToList();
        if (natives.Count == 0) return packages;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in packages.Assemblies.Concat(natives)) files.TryAdd(Path.GetFileName(file), file);

        var key = string.Join("\n", files.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value));
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        var folder = Path.Combine(cacheRoot, "layout", hash);
        if (!Directory.Exists(folder) || files.Keys.Any(name => !File.Exists(Path.Combine(folder, name))))
            Build(folder, files);
        return new RestoredPackages(
            packages.Assemblies.Select(a => Path.Combine(folder, Path.GetFileName(a))).Distinct().ToList(), [folder], packages.Resolved);
    }

    static void Build(string folder, IReadOnlyDictionary<string, string> files)
    {
        var staging = $"{folder}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        foreach (var (name, target) in files)
        {
            var link = Path.Combine(staging, name);
            try { File.CreateSymbolicLink(link, target); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { File.Copy(target, link); }
        }
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        try { Directory.Move(staging, folder); }
        catch (IOException) when (Directory.Exists(folder)) { Directory.Delete(staging, recursive: true); } // another run made it
    }
}
