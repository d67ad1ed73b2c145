using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace Notebooks.Host.Kernel;

/// <summary>
/// The assemblies a notebook referenced (#r paths and restored packages) and the folders their dependencies and
/// native libraries come from. Compile time: every referenced dll plus its dependencies found beside it become
/// metadata references (so a cell can use Deedle types returned by Distill.dll). Run time: assembly and native
/// library resolution hooks probe those folders, including runtimes/&lt;rid&gt;/native.
/// </summary>
public sealed class AssemblyProbing
{
    readonly Dictionary<string, string> bySimpleName = new(StringComparer.OrdinalIgnoreCase);
    readonly List<string> managedFolders = new();
    readonly List<string> nativeFolders = new();
    readonly HashSet<AssemblyLoadContext> hookedContexts = new();
    readonly object gate = new();

    public AssemblyProbing()
    {
        AssemblyLoadContext.Default.Resolving += (context, name) => ResolveManaged(context, name);
        HookNatives(AssemblyLoadContext.Default);
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
        {
            if (AssemblyLoadContext.GetLoadContext(e.LoadedAssembly) is { } context) HookNatives(context);
        };
    }

    /// <summary>Adds a dll (and, transitively, the dependencies lying next to it); returns the metadata references to compile against.</summary>
    public IReadOnlyList<MetadataReference> AddAssembly(string path)
    {
        var added = new List<MetadataReference>();
        lock (gate)
        {
            var folder = Path.GetDirectoryName(path)!;
            AddFolder(folder);
            var pending = new Stack<string>([path]);
            // Probing is process-wide but each kernel (notebook) compiles against its own references: an assembly an
            // earlier kernel of this process registered is still handed back, as the file registered first.
            var visited = new HashSet<string>(StringComparer.Ordinal);
            while (pending.TryPop(out var file))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (IsFrameworkAssembly(name) || !visited.Add(name)) continue;
                if (!bySimpleName.TryGetValue(name, out var known)) bySimpleName[name] = known = file;
                added.Add(MetadataReference.CreateFromFile(known));
                foreach (var dependency in ReferencedNames(known))
                {
                    var candidate = Path.Combine(Path.GetDirectoryName(known)!, dependency + ".dll");
                    if (File.Exists(candidate)) pending.Push(candidate);
                }
            }
        }
        return added;
    }

    /// <summary>Registers a folder whose dlls and runtimes/&lt;rid&gt;/native libraries may be loaded on demand.</summary>
    public void AddFolder(string folder)
    {
        lock (gate)
        {
            if (managedFolders.Contains(folder)) return;
            managedFolders.Add(folder);
            AddNativeFolder(folder);
            foreach (var rid in NuGetRestore.RuntimeIdentifiers())
            {
                var native = Path.Combine(folder, "runtimes", rid, "native");
                if (Directory.Exists(native)) AddNativeFolder(native);
            }
        }
    }

    public void AddNativeFolder(string folder)
    {
        lock (gate) if (!nativeFolders.Contains(folder)) nativeFolders.Add(folder);
    }

    /// <summary>True when the running shared framework already provides this assembly (never reference a second copy).</summary>
    static bool IsFrameworkAssembly(string simpleName) =>
        File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), simpleName + ".dll"));

    static IEnumerable<string> ReferencedNames(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata) return [];
            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
        }
        catch (BadImageFormatException) { return []; }
    }

    Assembly? ResolveManaged(AssemblyLoadContext context, AssemblyName name)
    {
        string? path;
        lock (gate)
        {
            if (!bySimpleName.TryGetValue(name.Name ?? "", out path))
                path = managedFolders.Select(f => Path.Combine(f, name.Name + ".dll")).FirstOrDefault(File.Exists);
        }
        return path is null ? null : context.LoadFromAssemblyPath(path);
    }

    void HookNatives(AssemblyLoadContext context)
    {
        lock (gate) if (!hookedContexts.Add(context)) return;
        context.ResolvingUnmanagedDll += (_, library) => ResolveNative(library);
    }

    IntPtr ResolveNative(string library)
    {
        string[] folders;
        lock (gate) folders = nativeFolders.ToArray();
        var candidates = Path.IsPathRooted(library) ? [library] : NativeFileNames(library);
        foreach (var folder in folders)
            foreach (var file in candidates)
            {
                var path = Path.Combine(folder, file);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
        return IntPtr.Zero;
    }

    static IEnumerable<string> NativeFileNames(string library)
    {
        yield return library;
        if (OperatingSystem.IsWindows()) { yield return library + ".dll"; yield break; }
        var ext = OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        yield return library + ext;
        if (!library.StartsWith("lib", StringComparison.Ordinal)) yield return "lib" + library + ext;
    }
}
