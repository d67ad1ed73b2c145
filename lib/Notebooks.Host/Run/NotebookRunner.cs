using System.Diagnostics;
using System.Text.Json.Nodes;
using Notebooks.Host.Notebook;
using Notebooks.Host.Parameters;
using Notebooks.Host.Report;

namespace Notebooks.Host.Run;

/// <summary>Where a run left its executed notebook and report, and which cell failed (null when all ran);
/// <paramref name="Interrupted"/> when that cell was stopped by Ctrl+C or SIGTERM rather than by an error.</summary>
public sealed record RunResult(string NotebookPath, string ReportPath, string? FailedCellId, int ExecutedCells, bool Interrupted = false)
{
    public bool Succeeded => FailedCellId is null;
}

/// <summary>
/// Runs a notebook top to bottom in the .NET Interactive C# kernel (<see cref="KernelSession"/>, in-process) and writes
/// OUT/NAME.ipynb and OUT/NAME.html. Cells run with the notebook's folder as the working folder, as VS Code and Jupyter run
/// them, so a notebook finds its data and results the same way everywhere. A failing cell stops the run; its error is in
/// both files, which are then written as NAME.failed.ipynb / NAME.failed.html so the last good report stays where it was.
/// Every file is written to a temporary name first and moved into place. When <c>cancel</c> fires (the CLI wires Ctrl+C
/// and SIGTERM to it) the running cell gets an "interrupted" error and the files are written at once, like a failed run;
/// the process ending stops the cell, and training cells lose nothing beyond their last checkpoint.
/// </summary>
public static class NotebookRunner
{
    /// <summary>Name of the error output a cell gets when Ctrl+C or SIGTERM stopped the run while it ran.</summary>
    public const string InterruptedError = "Interrupted";

    /// <summary>The cell metadata key holding how long the cell ran.</summary>
    public const string CellMetadataKey = "notebooks_host";

    public static Notebook.Notebook Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such notebook");
        return Path.GetExtension(path).Equals(".dib", StringComparison.OrdinalIgnoreCase) ? Dib.Read(path) : Ipynb.Read(path);
    }

    public static async Task<RunResult> RunAsync(string path, string outDirectory, IReadOnlyDictionary<string, string> overrides,
        TextWriter log, CancellationToken cancel = default)
    {
        path = Path.GetFullPath(path);
        outDirectory = Path.GetFullPath(outDirectory);
        var notebook = Load(path);
        var name = Path.GetFileNameWithoutExtension(path);
        var folder = Path.GetDirectoryName(path)!;
        NotebookParameters.Inject(notebook, overrides, "command line");
        foreach (var cell in notebook.Cells.Where(c => c.Kind == CellKind.Code))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
            cell.Metadata.Remove(CellMetadataKey);
        }
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var code = notebook.Cells.Where(c => c.Kind == CellKind.Code).ToList();
        string? failed = null;
        bool interrupted = false;
        int count = 0;
        var callerFolder = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder;
        try
        {
            using var kernel = new KernelSession();
            var interrupt = Task.Delay(Timeout.Infinite, cancel);
            foreach (var cell in code)
            {
                cell.ExecutionCount = ++count;
                var cellClock = Stopwatch.StartNew();
                bool ok;
                if (cell.Kernel is "csharp" or "C#" or "c#")
                {
                    var run = kernel.RunAsync(cell, count, cancel);
                    // The kernel cancels the submission on the same token, so the cell may end first: the token decides.
                    await Task.WhenAny(run, interrupt);
                    interrupted = cancel.IsCancellationRequested;
                    ok = !interrupted && await run;
                }
                else ok = Unsupported(cell);
                if (interrupted)
                    lock (cell.Outputs)
                        cell.Outputs.Add(new ErrorOutput(InterruptedError, $"stopped by Ctrl+C or SIGTERM after {cellClock.Elapsed.TotalSeconds:0.0} s in this cell",
                            ["Interrupted: the run was stopped while this cell was running; training state is in the last checkpoint, and running the notebook again resumes from it"]));
                cell.Metadata[CellMetadataKey] = new JsonObject { ["duration_s"] = Math.Round(cellClock.Elapsed.TotalSeconds, 2) };
                log.WriteLine($"{name}: cell {count}/{code.Count} ({cell.Id}) {(interrupted ? "INTERRUPTED" : ok ? "ok" : "FAILED")} in {cellClock.Elapsed.TotalSeconds:0.0} s");
                if (!ok) { failed = cell.Id; break; }
            }
        }
        finally
        {
            Environment.CurrentDirectory = callerFolder;
        }
        notebook.Metadata["notebooks_host"] = Provenance.Of(folder, started, overrides, clock.Elapsed.TotalSeconds,
            interrupted ? "interrupted" : failed is null ? "ok" : "failed", failed);
        Directory.CreateDirectory(outDirectory);
        var stem = Path.Combine(outDirectory, failed is null ? name : name + ".failed");
        // An interrupted cell may still be writing into its outputs (or a display's) on the kernel's thread: hold every
        // cell's output lock (what CellOutputs writes under) while the files are rendered.
        var locked = new List<object>();
        try
        {
            foreach (var cell in code) { Monitor.Enter(cell.Outputs); locked.Add(cell.Outputs); }
            WriteAtomically(stem + ".ipynb", Ipynb.ToJson(notebook));
            WriteAtomically(stem + ".html", HtmlReport.Render(notebook, name));
        }
        finally
        {
            foreach (var l in locked) Monitor.Exit(l);
        }
        if (failed is null)
            foreach (var stale in new[] { ".failed.ipynb", ".failed.html" }) File.Delete(Path.Combine(outDirectory, name + stale));
        return new RunResult(stem + ".ipynb", stem + ".html", failed, count, interrupted);
    }

    /// <summary>Writes the HTML report of an executed notebook; returns its path (the notebook's, with .html).</summary>
    public static string Export(string executedNotebook, string? outDirectory)
    {
        var notebook = Load(executedNotebook);
        var name = Path.GetFileNameWithoutExtension(executedNotebook);
        var target = Path.Combine(outDirectory ?? Path.GetDirectoryName(Path.GetFullPath(executedNotebook))!, name + ".html");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        WriteAtomically(target, HtmlReport.Render(notebook, name));
        return target;
    }

    static bool Unsupported(Cell cell)
    {
        cell.Outputs.Add(new ErrorOutput("UnsupportedKernel", $"cell {cell.Id}: the '{cell.Kernel}' kernel is not available in the notebooks host (C# cells only)", []));
        return false;
    }

    public static void WriteAtomically(string path, string content)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
