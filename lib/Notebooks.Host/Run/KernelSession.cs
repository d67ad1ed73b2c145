using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Run;

/// <summary>
/// The .NET Interactive C# kernel, in-process, as VS Code and Jupyter start it: #r "nuget: ..." restores (kernel extensions
/// in a package's interactive-extensions/dotnet folder are loaded, as the dotnet-interactive tool does), display(), HTML(),
/// the kernel's formatters. <see cref="RunAsync"/> submits one cell and turns the kernel's events into the cell's nbformat
/// outputs: display_data (updated in place when the code updates a display), execute_result, stdout/stderr, error.
/// </summary>
sealed class KernelSession : IDisposable
{
    readonly CompositeKernel kernel;
    readonly HashSet<string> loadedExtensions = new();
    readonly Dictionary<string, (List<Output> Owner, DisplayOutput Output)> displays = new();

    public KernelSession()
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        csharp.UseNugetDirective(async (k, packages) =>
        {
            k.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
            foreach (var package in packages) await LoadExtensions(package, k);
        }, forceRestore: false);
        kernel = new CompositeKernel { csharp };
        kernel.DefaultKernelName = csharp.Name;
    }

    /// <summary>Runs <paramref name="cell"/>; false when it failed (its error is the last output).</summary>
    public async Task<bool> RunAsync(Cell cell, int executionCount, CancellationToken cancel)
    {
        var command = new SubmitCode(cell.Source, kernel.DefaultKernelName);
        var outputs = new CellOutputs(cell, displays);
        var diagnostics = new List<string>();
        bool failed = false;
        using var subscription = kernel.KernelEvents.Subscribe(e =>
        {
            switch (e)
            {
                case StandardOutputValueProduced o: outputs.Write("stdout", Text(o)); break;
                case StandardErrorValueProduced o: outputs.Write("stderr", Text(o)); break;
                case ReturnValueProduced r when r.Value is not DisplayedValue && Bundle(r) is { Count: > 0 } data:
                    outputs.Add(new DisplayOutput(data, executionCount)); break;
                case DisplayedValueProduced d when Bundle(d) is { Count: > 0 } data: outputs.Display(d.ValueId, data); break;
                case DisplayedValueUpdated u: outputs.Update(u.ValueId, Bundle(u)); break;
                case DiagnosticsProduced d:
                    diagnostics.AddRange(d.Diagnostics.Where(x => x.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                        .Select(x => $"({x.LinePositionSpan.Start.Line + 1},{x.LinePositionSpan.Start.Character + 1}): error {x.Code}: {x.Message}"));
                    break;
                case CommandFailed f when f.Command == command:
                    failed = true;
                    outputs.Add(Error(f, diagnostics));
                    break;
            }
        });
        await kernel.SendAsync(command, cancel);
        return !failed;
    }

    static string Text(DisplayEvent e) => e.FormattedValues.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? "";

    static MimeBundle Bundle(DisplayEvent e)
    {
        var bundle = new MimeBundle();
        foreach (var value in e.FormattedValues.Where(v => !v.SuppressDisplay)) bundle[value.MimeType] = value.Value;
        return bundle;
    }

    /// <summary>A compile error as its diagnostics ("(line,col): error CSxxxx: ..."); an exception as its type, message and stack.</summary>
    static ErrorOutput Error(CommandFailed failed, IReadOnlyList<string> diagnostics)
    {
        if (failed.Exception is CodeSubmissionCompilationErrorException compile)
        {
            var lines = compile.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new ErrorOutput("CompilationError", lines.FirstOrDefault() ?? failed.Message, lines);
        }
        if (failed.Exception is null)
            return new ErrorOutput(diagnostics.Count > 0 ? "CompilationError" : "Error", diagnostics.FirstOrDefault() ?? failed.Message,
                diagnostics.Count > 0 ? diagnostics : [failed.Message]);
        var traceback = new List<string>();
        for (var e = failed.Exception; e is not null; e = e.InnerException)
        {
            traceback.Add((traceback.Count == 0 ? "" : "---> ") + $"{e.GetType().FullName}: {e.Message}");
            traceback.AddRange((e.StackTrace ?? "").Split('\n').Select(l => l.TrimEnd())
                .Where(l => l.Length > 0 && !l.Contains("Microsoft.CodeAnalysis.Scripting") && !l.Contains("Microsoft.DotNet.Interactive")
                    && !l.Contains("System.Runtime.CompilerServices") && !l.Contains("--- End of stack trace")));
        }
        var exception = failed.Exception;
        return new ErrorOutput(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, traceback);
    }

    /// <summary>The kernel extensions a restored package ships in interactive-extensions/dotnet (Plotly.NET.Interactive's formatters).</summary>
    async Task LoadExtensions(ResolvedPackageReference package, Kernel target)
    {
        var folder = Path.Combine(package.PackageRoot, "interactive-extensions", "dotnet");
        if (!Directory.Exists(folder)) return;
        foreach (var dll in Directory.EnumerateFiles(folder, "*.dll"))
        {
            if (!loadedExtensions.Add(Path.GetFullPath(dll))) continue;
            var assembly = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(dll);
            foreach (var type in assembly.GetExportedTypes().Where(t => typeof(IKernelExtension).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null))
            {
                if (KernelInvocationContext.Current is { } context)
                    KernelInvocationContextExtensions.Display(context, $"Loading extensions from `{dll}`", PlainTextFormatter.MimeType);
                await ((IKernelExtension)Activator.CreateInstance(type)!).OnLoadAsync(target);
            }
        }
    }

    public void Dispose() => kernel.Dispose();
}
