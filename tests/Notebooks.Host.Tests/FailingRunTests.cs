using Notebooks.Host.Kernel;
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
        var kernel = new CSharpKernel(folder, new NuGetRestore(Path.Combine(folder, "cache")));
        var compile = Cell.NewCode("var x = 1;\nundefinedName + x");
        Assert.False(await kernel.RunAsync(compile, 1));
        var error = Assert.IsType<ErrorOutput>(Assert.Single(compile.Outputs));
        Assert.Equal("CompilationError", error.Name);
        Assert.Equal("(2,1): error CS0103: The name 'undefinedName' does not exist in the current context", error.Value);

        var dll = Cell.NewCode("#r \"missing/Nothing.dll\"");
        Assert.False(await kernel.RunAsync(dll, 2));
        var missing = Assert.IsType<ErrorOutput>(Assert.Single(dll.Outputs));
        Assert.Equal($"#r \"missing/Nothing.dll\": no such file {Path.Combine(folder, "missing", "Nothing.dll")} (paths are relative to the notebook's folder {folder})", missing.Value);

        var package = Cell.NewCode("#r \"nuget: Distill.NoSuchPackage, 9.9.9\"");
        Assert.False(await kernel.RunAsync(package, 3));
        var restore = Assert.IsType<ErrorOutput>(Assert.Single(package.Outputs));
        Assert.Equal(typeof(PackageRestoreException).FullName, restore.Name);
        Assert.StartsWith("could not restore nuget: Distill.NoSuchPackage, 9.9.9: ", restore.Value);
        Assert.Contains("NU1101", restore.Value);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
