using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Notebooks.Host.Cli;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Tests;

/// <summary>Builds small Polyglot notebooks in a scratch folder and runs the `notebooks` CLI on them in-process.</summary>
static class TestNotebooks
{
    /// <summary>The repository root, found from this test assembly's bin/CONFIG/TFM folder.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Release or Debug: the configuration this test assembly was built in (Distill.Interactive was built alongside).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    /// <summary>What a notebook #r's: the library's notebook assembly with its dependency closure beside it.</summary>
    public static string InteractiveDll => Path.Combine(RepoRoot, "lib", "Distill.Interactive", "bin", Configuration, "net10.0", "Distill.Interactive.dll");

    /// <summary>A fresh folder under the test's bin (inside the repository, so relative #r paths look like a user's).</summary>
    public static string ScratchFolder(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "scratch", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static Cell Code(string source, params string[] tags)
    {
        var cell = Cell.NewCode(source);
        if (tags.Length > 0) cell.Metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray());
        Polyglot.EnsureCellMetadata(cell.Metadata, "csharp");
        return cell;
    }

    public static string Write(string folder, string name, params Cell[] cells)
    {
        var notebook = new Notebook.Notebook();
        Polyglot.EnsureNotebookMetadata(notebook.Metadata);
        notebook.Cells.AddRange(cells);
        var path = Path.Combine(folder, name + ".ipynb");
        Ipynb.Write(notebook, path);
        return path;
    }

    /// <summary>Runs `notebooks ARGS` in this process (what `dotnet notebooks.dll ARGS` does); returns the exit code.</summary>
    public static Task<int> Cli(params string[] args)
    {
        var root = new RootCommand("notebooks");
        foreach (var verb in Verbs.All) root.Subcommands.Add(verb);
        return root.Parse(args).InvokeAsync();
    }

    public static JsonObject ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    /// <summary>Jupyter's own validator (Debian python3-nbformat); returns its message, empty when the file is valid.</summary>
    public static string NbformatProblems(string ipynb)
    {
        // Debian's interpreter, where python3-nbformat installs, even when another python3 comes first on PATH.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var (exit, output) = Run(python, "-c",
            "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", ipynb);
        return exit == 0 && output.Trim() == "valid" ? "" : output;
    }

    public static (int Exit, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within 90 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Notebooks.sln above {AppContext.BaseDirectory}");
    }
}
