using System.Text.Json.Nodes;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Tests;

/// <summary>A cell that throws stops the run with a non-zero exit, its error is written, and the last good report survives.</summary>
[Collection(NotebookRuns.Name)]
public sealed class FailingRunTests : IDisposable
{
    readonly string folder = TestNotebooks.ScratchFolder("failing");

    [Fact]
    public async Task A_failing_cell_writes_the_error_beside_the_last_good_report()
    {
        var outDir = Path.Combine(folder, "reports");
        var good = TestNotebooks.Write(folder, "training", TestNotebooks.Code("int seen = 1;"), TestNotebooks.Code("seen + 1"));
        Assert.Equal(0, await TestNotebooks.Cli("run", good, "--out", outDir));
        var goodHtml = File.ReadAllText(Path.Combine(outDir, "training.html"));
        var goodIpynb = File.ReadAllText(Path.Combine(outDir, "training.ipynb"));

        var never = TestNotebooks.Code("seen + 2");
        TestNotebooks.Write(folder, "training", TestNotebooks.Code("int seen = 1;"),
            TestNotebooks.Code("throw new InvalidOperationException(\"loss became NaN at step 3\");"), never);
        Assert.Equal(1, await TestNotebooks.Cli("run", good, "--out", outDir));

        Assert.Equal(goodHtml, File.ReadAllText(Path.Combine(outDir, "training.html")));
        Assert.Equal(goodIpynb, File.ReadAllText(Path.Combine(outDir, "training.ipynb")));
        var failedPath = Path.Combine(outDir, "training.failed.ipynb");
        Assert.Equal("", TestNotebooks.NbformatProblems(failedPath));
        var failed = TestNotebooks.ReadJson(failedPath);
        var cells = failed["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var error = Assert.Single(cells[1]["outputs"]!.AsArray())!;
        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Equal("System.InvalidOperationException", (string?)error["ename"]);
        Assert.Equal("loss became NaN at step 3", (string?)error["evalue"]);
        Assert.Equal("System.InvalidOperationException: loss became NaN at step 3", (string?)error["traceback"]![0]);
        Assert.Null(cells[2]["execution_count"]);
        Assert.Empty(cells[2]["outputs"]!.AsArray());
        Assert.Equal("failed", (string?)failed["metadata"]!["notebooks_host"]!["status"]);
        Assert.Equal(cells[1]["id"]!.GetValue<string>(), (string?)failed["metadata"]!["notebooks_host"]!["failed_cell"]);
        var failedHtml = File.ReadAllText(Path.Combine(outDir, "training.failed.html"));
        Assert.Contains("This run failed", failedHtml);
        Assert.Contains("System.InvalidOperationException: loss became NaN at step 3", failedHtml);

        TestNotebooks.Write(folder, "training", TestNotebooks.Code("int seen = 1;"), TestNotebooks.Code("seen + 1"));
        Assert.Equal(0, await TestNotebooks.Cli("run", good, "--out", outDir));
        Assert.False(File.Exists(failedPath));
        Assert.False(File.Exists(Path.Combine(outDir, "training.failed.html")));
    }

    [Fact]
    public async Task Compile_errors_missing_dlls_and_missing_packages_are_error_outputs_that_say_what_was_wrong()
    {
        var outDir = Path.Combine(folder, "reports");
        var compile = TestNotebooks.Write(folder, "compile", TestNotebooks.Code("var x = 1;\nundefinedName + x"));
        Assert.Equal(1, await TestNotebooks.Cli("run", compile, "--out", outDir));
        var error = OnlyError(Path.Combine(outDir, "compile.failed.ipynb"));
        Assert.Equal("CompilationError", (string?)error["ename"]);
        Assert.Equal("(2,1): error CS0103: The name 'undefinedName' does not exist in the current context", (string?)error["evalue"]);

        var dll = TestNotebooks.Write(folder, "dll", TestNotebooks.Code("#r \"missing/Nothing.dll\""));
        Assert.Equal(1, await TestNotebooks.Cli("run", dll, "--out", outDir));
        Assert.Contains("Nothing.dll", Describe(OnlyError(Path.Combine(outDir, "dll.failed.ipynb"))));

        var package = TestNotebooks.Write(folder, "package", TestNotebooks.Code("#r \"nuget: Distill.NoSuchPackage, 9.9.9\""));
        Assert.Equal(1, await TestNotebooks.Cli("run", package, "--out", outDir));
        Assert.Contains("Distill.NoSuchPackage", Describe(OnlyError(Path.Combine(outDir, "package.failed.ipynb"))));
    }

    static JsonObject OnlyError(string failedNotebook)
    {
        var cell = TestNotebooks.ReadJson(failedNotebook)["cells"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string?)c["cell_type"] == "code");
        return cell["outputs"]!.AsArray().Select(o => o!.AsObject()).Single(o => (string?)o["output_type"] == "error");
    }

    static string Describe(JsonObject error) => $"{error["ename"]}: {error["evalue"]}\n{string.Join("\n", error["traceback"]!.AsArray())}";

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
