using System.Diagnostics;
using System.Text.Json.Nodes;
using Notebooks.Host.Kernel;
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
/// Runs a notebook top to bottom and writes OUT/NAME.ipynb and OUT/NAME.html. A failing cell stops the run; its
/// error is in both files, which are then written as NAME.failed.ipynb / NAME.failed.html so the last good report
/// stays where it was. Every file is written to a temporary name first and moved into place. Cells run on one
/// <see cref="CellThread"/>; when <c>cancel</c> fires (the CLI wires Ctrl+C and SIGTERM to it) the running cell gets an
/// "interrupted" error and the files are written at once, like a failed run. The cell itself cannot be stopped from
/// outside; the process ending does that, and training cells lose nothing beyond their last checkpoint.
/// </summary>
public static class NotebookRunner
{
    /// <summary>Name of the error output a cell gets when Ctrl+C or SIGTERM stopped the run while it ran.</summary>
    public const string InterruptedError = "Interrupted";

    public static Notebook.Notebook Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such notebook");
        return Path.GetExtension(path).Equals(".dib", StringComparison.OrdinalIgnoreCase) ? Dib.Read(path) : Ipynb.Read(path);
    }

    public static async Task<RunResult> RunAsync(string path, string outDirectory, IReadOnlyDictionary<string, string> overrides,
        NuGetRestore restore, TextWriter log, CancellationToken cancel = default)
    {
        var notebook = Load(path);
        var name = Path.GetFileNameWithoutExtension(path);
        NotebookParameters.Inject(notebook, overrides, "command line");
        foreach (var cell in notebook.Cells.Where(c => c.Kind == CellKind.Code))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
        }
        var kernel = new CSharpKernel(Path.GetDirectoryName(Path.GetFullPath(path))!, restore);
        var clock = Stopwatch.StartNew();
        var code = notebook.Cells.Where(c => c.Kind == CellKind.Code).ToList();
        string? failed = null;
        bool interrupted = false;
        int count = 0;
        using var cells = new CellThread($"cells of {name}");
        var interrupt = Task.Delay(Timeout.Infinite, cancel);
        foreach (var cell in code)
        {
            cell.ExecutionCount = ++count;
            var cellClock = Stopwatch.StartNew();
            bool ok;
            if (cell.Kernel is "csharp" or "C#" or "c#")
            {
                int number = count;
                var run = cells.Run(() => kernel.RunAsync(cell, number, cancel));
                interrupted = await Task.WhenAny(run, interrupt) != run;
                ok = !interrupted && await run;
            }
            else ok = Unsupported(cell);
            if (interrupted)
                new CellOutputs(cell).Add(new ErrorOutput(InterruptedError, $"stopped by Ctrl+C or SIGTERM after {cellClock.Elapsed.TotalSeconds:0.0} s in this cell",
                    ["Interrupted: the run was stopped while this cell was running; training state is in the last checkpoint, and running the notebook again resumes from it"]));
            log.WriteLine($"{name}: cell {count}/{code.Count} ({cell.Id}) {(interrupted ? "INTERRUPTED" : ok ? "ok" : "FAILED")} in {cellClock.Elapsed.TotalSeconds:0.0} s");
            if (!ok) { failed = cell.Id; break; }
        }
        notebook.Metadata["notebooks_host"] = new JsonObject
        {
            ["status"] = interrupted ? "interrupted" : failed is null ? "ok" : "failed",
            ["failed_cell"] = failed,
            ["parameters"] = new JsonObject(overrides.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["duration_s"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
        };
        Directory.CreateDirectory(outDirectory);
        var stem = Path.Combine(outDirectory, failed is null ? name : name + ".failed");
        // An interrupted cell may still be writing into its outputs (or a display handle's) on the cell thread: hold every
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
