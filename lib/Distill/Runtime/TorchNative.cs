using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;

namespace Distill.Runtime;

/// <summary>How TorchSharp's native glue (libLibTorchSharp.so) was brought up.</summary>
public sealed record NativeLoad(string GluePath, bool Patched, string? CudaLibDir, IReadOnlyList<string> Trace);

/// <summary>
/// Loads TorchSharp's native glue on every Linux we support.
///
/// TorchSharp 0.107.0's glue was built with GCC 13 and needs GLIBCXX_3.4.32 for a single symbol,
/// std::ios_base_library_init(). Debian 12 and Ubuntu 22.04 ship an older libstdc++, so the glue fails to load.
/// The fix, applied to a copy kept outside the NuGet cache (never to the package itself):
///   1. mark that version need weak (VER_FLG_WEAK in .gnu.version_r), so the loader tolerates its absence;
///   2. provide the symbol from a tiny C++ shim (libiosinit.so), loaded with RTLD_GLOBAL before the glue;
///   3. link the glue's neighbours (libtorch*.so) beside the copy, which finds them through RUNPATH $ORIGIN.
/// The copy lives in ~/.cache/distill/native/&lt;sha256 of the glue&gt;/ and is rebuilt when the package changes.
/// Systems whose libstdc++ already has the symbol load the pristine glue and nothing is written.
/// </summary>
public static class TorchNative
{
    public const string MissingVersion = "GLIBCXX_3.4.32";
    const string GlueFile = "libLibTorchSharp.so";
    const string ShimFile = "libiosinit.so";
    const string ShimSource = """
        // Provides std::ios_base_library_init() (GCC 13) on an older libstdc++: it makes sure iostreams are set up.
        #include <ios>
        namespace std { __attribute__((visibility("default"))) void ios_base_library_init() { static ios_base::Init init; } }
        """;

    /// <summary>Environment variable naming a PyTorch install's torch/lib folder (CUDA libtorch) to use.</summary>
    public const string TorchLibVariable = "DISTILL_TORCH_LIB";

    static readonly object Gate = new();
    static NativeLoad? loaded;

    public static NativeLoad Load()
    {
        lock (Gate)
        {
            if (loaded is not null) return loaded;
            var trace = new List<string>();
            if (!OperatingSystem.IsLinux())
            {
                trace.Add("not Linux: TorchSharp's own loader is used");
                return loaded = new NativeLoad("(TorchSharp default)", false, null, trace);
            }
            string? cudaDir = PreloadCudaLibtorch(trace);
            string glue = FindGlue(trace);
            string? error = TryLoad(glue, out var handle);
            if (error is null)
            {
                trace.Add($"loaded {glue} as shipped");
                Route(handle);
                return loaded = new NativeLoad(glue, false, cudaDir, trace);
            }
            trace.Add($"loading {glue} failed: {error}");
            if (!error.Contains(MissingVersion))
                throw Failure(trace, "the native glue failed for a reason other than the known GLIBCXX_3.4.32 gap");

            string patched = PatchedCopy(glue, CacheRoot(), trace);
            string? shimError = DlOpenGlobal(Path.Combine(Path.GetDirectoryName(patched)!, ShimFile));
            if (shimError is not null)
                throw Failure(trace, $"the libstdc++ shim did not load: {shimError}");
            error = TryLoad(patched, out handle);
            if (error is not null)
            {
                trace.Add($"loading the patched copy {patched} failed: {error}");
                throw Failure(trace, "even the patched glue did not load");
            }
            trace.Add($"loaded patched copy {patched}");
            Route(handle);
            return loaded = new NativeLoad(patched, true, cudaDir, trace);
        }
    }

    /// <summary>Sends every later lookup of "LibTorchSharp" (TorchSharp's own probe and its P/Invokes) to our handle.</summary>
    static void Route(IntPtr handle)
    {
        var torchSharp = typeof(TorchSharp.torch).Assembly;
        var context = AssemblyLoadContext.GetLoadContext(torchSharp) ?? AssemblyLoadContext.Default;
        context.ResolvingUnmanagedDll += (assembly, name) =>
            name is "LibTorchSharp" or "libLibTorchSharp" or GlueFile ? handle : IntPtr.Zero;
    }

    /// <summary>
    /// A CUDA libtorch from a PyTorch install (DISTILL_TORCH_LIB, or a folder on LD_LIBRARY_PATH), or from the
    /// TorchSharp-cuda package beside the glue. Libraries in DISTILL_TORCH_LIB are preloaded by absolute path so
    /// the glue's NEEDED entries (libtorch.so, libc10.so, ...) resolve to them by soname.
    /// </summary>
    static string? PreloadCudaLibtorch(List<string> trace)
    {
        var explicitDir = Environment.GetEnvironmentVariable(TorchLibVariable);
        if (!string.IsNullOrEmpty(explicitDir))
        {
            if (!File.Exists(Path.Combine(explicitDir, "libtorch_cuda.so")))
                trace.Add($"{TorchLibVariable}={explicitDir} has no libtorch_cuda.so; ignored");
            else
            {
                foreach (var lib in new[] { "libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" })
                {
                    var path = Path.Combine(explicitDir, lib);
                    if (!File.Exists(path)) continue;
                    var err = TryLoad(path, out _);
                    trace.Add(err is null ? $"preloaded {path}" : $"preloading {path} failed: {err}");
                }
                return explicitDir;
            }
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                     .Concat(NativeSearchDirectories()))
        {
            if (File.Exists(Path.Combine(dir, "libtorch_cuda.so")))
            {
                trace.Add($"CUDA libtorch found in {dir}");
                return dir;
            }
        }
        return null;
    }

    static IEnumerable<string> NativeSearchDirectories()
    {
        var dirs = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        var torchSharpDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchSharpDir))
        {
            dirs.Add(torchSharpDir);
            dirs.Add(Path.Combine(torchSharpDir, "runtimes", "linux-x64", "native"));
            // a NuGet package layout: torchsharp/<version>/lib/net6.0/TorchSharp.dll
            dirs.Add(Path.GetFullPath(Path.Combine(torchSharpDir, "..", "..", "runtimes", "linux-x64", "native")));
        }
        dirs.Add(AppContext.BaseDirectory);
        return dirs.Where(Directory.Exists).Distinct();
    }

    static string FindGlue(List<string> trace)
    {
        foreach (var dir in NativeSearchDirectories())
        {
            var path = Path.Combine(dir, GlueFile);
            trace.Add($"looking for {path}");
            if (File.Exists(path)) return Path.GetFullPath(path);
        }
        throw Failure(trace, $"{GlueFile} was not found");
    }

    /// <summary>
    /// The patched copy of <paramref name="glue"/> under <paramref name="cacheRoot"/>, keyed by the glue's SHA-256
    /// (a new TorchSharp package gets a new copy) and by the folder it came from: the copy's libtorch links point into
    /// that folder, so two checkouts or build outputs starting at once must not share (and relink) one copy; before they
    /// were keyed apart, a process could find libtorch.so missing while another one was replacing the links. Built in
    /// a staging folder and moved into place whole.
    /// </summary>
    internal static string PatchedCopy(string glue, string cacheRoot, List<string> trace)
    {
        byte[] bytes = File.ReadAllBytes(glue);
        string key = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant() + "-" +
                     Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetDirectoryName(glue)!)))[..8].ToLowerInvariant();
        string dir = Path.Combine(cacheRoot, key);
        if (File.Exists(Path.Combine(dir, GlueFile)) && File.Exists(Path.Combine(dir, ShimFile)))
        {
            trace.Add($"using cached patched copy in {dir}");
            LinkNeighbours(glue, dir);
            return Path.Combine(dir, GlueFile);
        }

        string staging = $"{dir}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(staging)) Directory.Delete(staging, true);
        Directory.CreateDirectory(staging);
        if (!ElfVersionNeeds.MarkWeak(bytes, MissingVersion, glue))
            throw Failure(trace, $"{glue} does not need {MissingVersion}; the fix does not apply");
        File.WriteAllBytes(Path.Combine(staging, GlueFile), bytes);
        CompileShim(staging, trace);
        try { Directory.Move(staging, dir); }
        catch (IOException) when (Directory.Exists(dir)) { Directory.Delete(staging, true); } // another process won
        trace.Add($"wrote patched copy to {dir}");
        LinkNeighbours(glue, dir);
        return Path.Combine(dir, GlueFile);
    }

    /// <summary>Links libtorch*.so and friends from the glue's folder beside the copy (refreshed every start).</summary>
    static void LinkNeighbours(string glue, string dir)
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(glue)!, "*.so*"))
        {
            var name = Path.GetFileName(file);
            if (name == GlueFile) continue;
            var link = Path.Combine(dir, name);
            var info = new FileInfo(link);
            if (info.LinkTarget == file) continue;
            if (info.Exists || info.LinkTarget is not null) info.Delete();
            try { File.CreateSymbolicLink(link, file); }
            catch (IOException) when (File.Exists(link)) { } // created concurrently
        }
    }

    static void CompileShim(string dir, List<string> trace)
    {
        var source = Path.Combine(dir, "iosinit.cpp");
        File.WriteAllText(source, ShimSource);
        var compiler = Environment.GetEnvironmentVariable("CXX") ?? "g++";
        var psi = new ProcessStartInfo(compiler, ["-shared", "-fPIC", "-O2", "-o", Path.Combine(dir, ShimFile), source])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        try
        {
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw Failure(trace, $"{compiler} failed to build the libstdc++ shim:\n{err}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw Failure(trace, $"{compiler} is needed once to build a 3-line libstdc++ shim (install it: apt-get install g++)");
        }
        trace.Add($"built {ShimFile} with {compiler}");
    }

    public static string CacheRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("DISTILL_NATIVE_CACHE");
        if (!string.IsNullOrEmpty(overridden)) return overridden;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "distill", "native");
    }

    static string? TryLoad(string path, out IntPtr handle)
    {
        try
        {
            handle = NativeLibrary.Load(path);
            return null;
        }
        catch (DllNotFoundException e)
        {
            handle = IntPtr.Zero;
            return e.Message;
        }
        catch (BadImageFormatException e)
        {
            handle = IntPtr.Zero;
            return e.Message;
        }
    }

    const int RtldNow = 0x2, RtldGlobal = 0x100;

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    static extern IntPtr LibcDlopen(string file, int mode);

    [DllImport("libc.so.6", EntryPoint = "dlerror")]
    static extern IntPtr LibcDlerror();

    static string? DlOpenGlobal(string path)
    {
        if (LibcDlopen(path, RtldNow | RtldGlobal) != IntPtr.Zero) return null;
        return Marshal.PtrToStringAnsi(LibcDlerror()) ?? "unknown dlopen error";
    }

    static Exception Failure(List<string> trace, string what)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"TorchSharp's native library could not be loaded: {what}.");
        sb.AppendLine("What was tried:");
        foreach (var t in trace) sb.AppendLine("  - " + t);
        sb.AppendLine("What to install:");
        sb.AppendLine("  - the TorchSharp-cpu 0.107.0 package (restored by `dotnet build`), or TorchSharp-cuda-linux for a GPU;");
        sb.AppendLine("  - g++ (apt-get install g++) on systems whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04);");
        sb.AppendLine($"  - for a PyTorch CUDA install, set {TorchLibVariable} to its torch/lib folder.");
        return new InvalidOperationException(sb.ToString());
    }
}
