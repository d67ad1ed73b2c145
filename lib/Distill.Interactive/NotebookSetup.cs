using System.Runtime.CompilerServices;
using Distill.Interactive.Formatting;

namespace Distill.Interactive;

/// <summary>
/// The first cell of every notebook: <c>#r</c> this assembly, then call <see cref="Use"/>. It makes the .NET Interactive C#
/// kernel (VS Code, Jupyter, the headless runner) able to run and show what the library returns: binds FSharp.Core for
/// Plotly.NET and Deedle, finds the closure's native libraries (SkiaSharp), registers HTML tables for Deedle frames and
/// image/png for pictures. Charts come from Plotly.NET.Interactive,
/// which the notebook loads in its next cell (it needs the binding in place first).
/// </summary>
public static class NotebookSetup
{
    /// <summary>Safe to call again (a rerun of the first cell); returns one line saying what is in place.</summary>
    public static string Use()
    {
        var fsharp = FSharpCoreBinding.Register();
        NativeLibraries.Register();
        RegisterFormatters();   // a separate method: its types load only after the binding is in place
        return $"Distill.Interactive: repository {Repository.Root ?? "(none found above " + Environment.CurrentDirectory + ")"}; " +
               $"FSharp.Core {fsharp} serves Plotly.NET and Deedle; Deedle frames as tables, pictures as PNG";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void RegisterFormatters()
    {
        DeedleFormatter.Register();
        PictureFormatter.Register();
    }
}
