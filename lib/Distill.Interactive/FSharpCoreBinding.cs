using System.Reflection;
using System.Runtime.Loader;

namespace Distill.Interactive;

/// <summary>
/// The .NET Interactive kernel loads its own FSharp.Core (10.0.0.0) into the default load context before any notebook code
/// runs; Plotly.NET 6 and Deedle 8.1 are built against 10.1.0.0, which the default context can then no longer load. This
/// answers their request with the FSharp.Core already loaded when both are of one major version (FSharp.Core keeps binary
/// compatibility within a major version; the kernel's 10.0 runs everything Plotly.NET and Deedle call). Where no FSharp.Core
/// is loaded yet (a plain program) it stays out of the way and the normal probing loads the copy beside the assembly.
/// </summary>
static class FSharpCoreBinding
{
    const string Name = "FSharp.Core";
    static int registered;

    /// <summary>Registers the handler once and loads FSharp.Core now; returns the version that serves FSharp.Core requests.</summary>
    public static string Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0) AssemblyLoadContext.Default.Resolving += Resolve;
        var loaded = Loaded(AssemblyLoadContext.Default);
        if (loaded is null)
        {
            try { loaded = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(Name)); }
            catch (FileNotFoundException) { return "(none in this process's dependencies; the copy beside Distill.Interactive)"; }
        }
        return loaded.GetName().Version?.ToString() ?? "(unversioned)";
    }

    internal static Assembly? Resolve(AssemblyLoadContext context, AssemblyName requested)
    {
        if (requested.Name != Name) return null;
        var loaded = Loaded(context);
        if (loaded?.GetName().Version is not { } have) return null;
        return requested.Version is null || requested.Version.Major == have.Major ? loaded : null;
    }

    static Assembly? Loaded(AssemblyLoadContext context) => context.Assemblies.FirstOrDefault(a => a.GetName().Name == Name);
}
