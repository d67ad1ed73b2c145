using Notebooks.Host.Notebook;

namespace Notebooks.Host.Tests;

/// <summary>Reading and writing .ipynb / .dib, exporting a report from an executed notebook, and clear errors for bad files.</summary>
[Collection(NotebookRuns.Name)]
public sealed class NotebookFileTests(FeatureRun run) : IDisposable
{
    readonly string folder = TestNotebooks.ScratchFolder("files");

    [Fact]
    public void An_executed_notebook_round_trips_byte_for_byte()
    {
        var path = Path.Combine(run.OutFolder, "features.ipynb");
        Assert.Equal(File.ReadAllText(path), Ipynb.ToJson(Ipynb.Read(path)));
    }

    [Fact]
    public async Task Export_rebuilds_the_same_report_from_the_executed_notebook()
    {
        Assert.Equal(0, await TestNotebooks.Cli("export", Path.Combine(run.OutFolder, "features.ipynb"), "--out", folder));
        Assert.Equal(run.Html, File.ReadAllText(Path.Combine(folder, "features.html")));
    }

    [Fact]
    public void Dib_cells_are_split_on_kernel_lines_and_the_meta_block_is_dropped()
    {
        var path = Path.Combine(folder, "tour.dib");
        File.WriteAllText(path, "#!meta\n{\"kernelInfo\":{}}\n\n#!markdown\n# Title\n\n#!csharp\nint a = 1;\n\n#!c#\na + 1\n");
        var notebook = Run.NotebookRunner.Load(path);
        Assert.Equal(["Markdown:# Title", "Code:int a = 1;", "Code:a + 1"], notebook.Cells.Select(c => $"{c.Kind}:{c.Source}"));
        Assert.All(notebook.Cells.Where(c => c.Kind == CellKind.Code), c => Assert.Equal("csharp", c.Kernel));
    }

    [Theory]
    [InlineData("{ \"cells\": [", "not valid JSON")]
    [InlineData("{ \"nbformat\": 3, \"cells\": [] }", "nbformat 3 is not supported (only nbformat 4)")]
    [InlineData("{ \"nbformat\": 4, \"cells\": [ { \"cell_type\": \"code\", \"source\": \"\" }, { \"cell_type\": \"python\", \"source\": \"\" } ] }", "cell 1: unknown cell_type 'python'")]
    public void Bad_notebooks_name_the_file_and_the_problem(string json, string problem)
    {
        var path = Path.Combine(folder, "bad.ipynb");
        File.WriteAllText(path, json);
        var e = Assert.Throws<NotebookFormatException>(() => Ipynb.Read(path));
        Assert.StartsWith($"{path}: {problem}", e.Message);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
