using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Distill.Interactive;

/// <summary>
/// Native libraries of the dependency closure (libSkiaSharp for the pictures, anything else a package ships under
/// runtimes/RID/native) for a process whose deps.json does not list them: the .NET Interactive kernel's. Requests the
/// runtime's own probing cannot satisfy are answered from this assembly's folder and its runtimes/&lt;os&gt;-&lt;arch&gt;/native.
/// The kernel loads #r'd assemblies into load contexts of its own (Roslyn scripting's), and a DllImport asks the context of
/// the assembly that declares it, so every load context in the process is served, including those made later.
/// TorchSharp is not served here: Distill.Runtime.TorchNative loads its glue and libtorch itself.
/// </summary>
static class NativeLibraries
{
    static readonly HashSet<AssemblyLoadContext> Served = new();
    static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) != 0) return;
        AppDomain.CurrentDomain.AssemblyLoad += (_, loaded) => Serve(AssemblyLoadContext.GetLoadContext(loaded.LoadedAssembly));
        Serve(AssemblyLoadContext.Default);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies()) Serve(AssemblyLoadContext.GetLoadContext(assembly));
    }

    static void Serve(AssemblyLoadContext? context)
    {
        if (context is null) return;
        lock (Served) if (!Served.Add(context)) return;
        context.ResolvingUnmanagedDll += Resolve;
    }

    /// <summary>Folders searched, most specific first.</summary>
    internal static IReadOnlyList<string> Folders()
    {
        var home = Path.GetDirectoryName(typeof(NativeLibraries).Assembly.Location)!;
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : "win";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return [Path.Combine(home, "runtimes", $"{os}-{arch}", "native"), home];
    }

    /// <summary>The file names a DllImport of <paramref name="name"/> may mean on this platform.</summary>
    internal static IEnumerable<string> Candidates(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows()) { yield return name + ".dll"; yield break; }
        var extension = OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        yield return name + extension;
        if (!name.StartsWith("lib", StringComparison.Ordinal)) yield return "lib" + name + extension;
    }

    static IntPtr Resolve(Assembly assembly, string name)
    {
        foreach (var folder in Folders())
            foreach (var file in Candidates(name))
            {
                var path = Path.Combine(folder, file);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
        return IntPtr.Zero;
    }
}
