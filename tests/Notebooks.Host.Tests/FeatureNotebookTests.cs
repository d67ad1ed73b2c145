using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Notebooks.Host.Tests;

/// <summary>What the executed .ipynb and the HTML report of <see cref="FeatureRun"/> hold, output by output.</summary>
[Collection(NotebookRuns.Name)]
public sealed class FeatureNotebookTests(FeatureRun run)
{
    static JsonObject Only(JsonObject cell) => Assert.Single(cell["outputs"]!.AsArray())!.AsObject();

    static JsonObject Data(JsonObject output) => output["data"]!.AsObject();

    [Fact]
    public void Run_succeeds_and_numbers_every_code_cell_in_order()
    {
        Assert.Equal(0, run.Exit);
        Assert.Equal(Enumerable.Range(1, 11), run.CodeCells.Select(c => (int)c["execution_count"]!));
        Assert.Equal("ok", (string?)run.Executed["metadata"]!["notebooks_host"]!["status"]);
        Assert.False(File.Exists(Path.Combine(run.OutFolder, "features.failed.ipynb")));
    }

    [Fact]
    public void Executed_notebook_validates_with_nbformat_and_keeps_polyglot_metadata()
    {
        Assert.Equal("", TestNotebooks.NbformatProblems(Path.Combine(run.OutFolder, "features.ipynb")));
        Assert.Equal(".net-csharp", (string?)run.Executed["metadata"]!["kernelspec"]!["name"]);
        Assert.Equal(4, (int)run.Executed["nbformat"]!);
        Assert.All(run.CodeCells, c => Assert.Equal("csharp", (string?)c["metadata"]!["polyglot_notebook"]!["kernelName"]));
        var ids = run.Executed["cells"]!.AsArray().Select(c => (string?)c!["id"]).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Command_line_parameters_are_injected_typed_after_the_parameters_cell()
    {
        var cells = run.CodeCells;
        int defaults = cells.FindIndex(c => FeatureRun.Source(c).StartsWith("int Epochs = 3;"));
        var injected = cells[defaults + 1];
        Assert.Equal(["injected-parameters"], injected["metadata"]!["tags"]!.AsArray().Select(t => (string?)t));
        Assert.Contains("int Epochs = 5;", FeatureRun.Source(injected));
        Assert.Contains("string Profile = \"smoke\";", FeatureRun.Source(injected));
        var printed = cells[defaults + 3]["outputs"]!.AsArray().Select(o => o!.AsObject()).Single(o => (string?)o["output_type"] == "stream");
        Assert.Equal("stdout", (string?)printed["name"]);
        Assert.Equal("epochs=5 lr=0.1 profile=smoke\n", FeatureRun.Text(printed["text"]));
    }

    [Fact]
    public void The_setup_cell_binds_FSharp_Core_and_finds_the_repository()
    {
        var text = FeatureRun.Text(Data(Only(run.Cell("// setup")))["text/plain"]);
        Assert.Contains($"repository {TestNotebooks.RepoRoot};", text);
        Assert.Matches("FSharp.Core [0-9.]+ serves Plotly.NET and Deedle", text);
    }

    [Fact]
    public void Nuget_references_are_restored_and_their_kernel_extensions_loaded()
    {
        var outputs = run.Cell("#r \"nuget: Plotly.NET.Interactive")["outputs"]!.AsArray().Select(o => o!.AsObject()).ToList();
        Assert.Contains(outputs, o => FeatureRun.Text(Data(o)["text/html"]).Contains("Plotly.NET.Interactive, 6.0.0"));
        Assert.Contains(outputs, o => FeatureRun.Text(Data(o)["text/plain"]).StartsWith("Loading extensions from", StringComparison.Ordinal)
            && FeatureRun.Text(Data(o)["text/plain"]).Contains("interactive-extensions/dotnet/Plotly.NET.Interactive.dll"));
    }

    [Fact]
    public void State_carries_across_cells_and_the_trailing_value_is_the_execute_result()
    {
        var result = Only(run.Cell("// state"));
        Assert.Equal("execute_result", (string?)result["output_type"]);
        Assert.Equal((int)run.Cell("// state")["execution_count"]!, (int)result["execution_count"]!);
        Assert.Contains("<pre>42</pre>", FeatureRun.Text(Data(result)["text/html"]));
    }

    [Fact]
    public void Display_and_HTML_become_display_data_then_execute_result()
    {
        var outputs = run.Cell("// display")["outputs"]!.AsArray().Select(o => o!.AsObject()).ToList();
        Assert.Equal(["display_data", "execute_result"], outputs.Select(o => (string?)o["output_type"]));
        Assert.Equal("shown", FeatureRun.Text(Data(outputs[0])["text/plain"]));
        Assert.Equal("<b id=\"html-output\">bold</b>", FeatureRun.Text(Data(outputs[1])["text/html"]));
    }

    [Fact]
    public void An_updated_display_keeps_one_output_showing_the_last_value()
    {
        var progress = Only(run.Cell("// progress"));
        Assert.Equal("step 4 of 4", FeatureRun.Text(Data(progress)["text/plain"]));
        Assert.DoesNotContain("<pre>step 0 of 4</pre>", run.Html);
        Assert.Contains("<pre>step 4 of 4</pre>", run.Html);
    }

    [Fact]
    public void A_Deedle_frame_is_an_html_table_with_its_values()
    {
        var html = FeatureRun.Text(Data(Only(run.Cell("// frame")))["text/html"]);
        Assert.Contains("<thead><tr><th></th><th>Epoch</th><th>Loss</th></tr></thead>", html);
        Assert.Contains("<tr><th>0</th><td>1</td><td>2.5</td></tr>", html);
        Assert.Contains("<tr><th>1</th><td>2</td><td>1.25</td></tr>", html);
        Assert.Contains("2 rows × 2 columns", html);
    }

    [Fact]
    public void A_Plotly_chart_is_Plotly_NET_Interactive_html_with_its_figure()
    {
        var html = FeatureRun.Text(Data(Only(run.Cell("// chart")))["text/html"]);
        Assert.Contains("Plotly.newPlot(", html);
        var data = Regex.Match(html, @"var data = (\[.*?\]);\n").Groups[1].Value;
        var trace = Assert.Single(JsonNode.Parse(data)!.AsArray())!;
        Assert.Equal("scatter", (string?)trace["type"]);
        Assert.Equal("loss", (string?)trace["name"]);
        Assert.Equal([0.5, 0.25, 0.125], trace["y"]!.AsArray().Select(v => (double)v!));
    }

    [Fact]
    public void Torch_runs_in_the_kernel_through_the_library()
    {
        Assert.Contains("<pre>[ 3, 12 ]</pre>", FeatureRun.Text(Data(Only(run.Cell("// torch")))["text/html"]));
        Assert.Contains("distill: device cpu", (string?)run.Executed["metadata"]!["notebooks_host"]!["device"]);
    }

    [Fact]
    public void A_png_is_written_as_image_png_with_its_pixels_intact()
    {
        var data = Data(Only(run.Cell("// image")));
        var png = Convert.FromBase64String(FeatureRun.Text(data["image/png"]));
        Assert.Equal($"PNG image 3x2 ({png.Length} bytes)", FeatureRun.Text(data["text/plain"]));
        // IHDR at 8..32, IDAT length at 33: inflate it back to the two filtered rows the cell encoded.
        int idat = 8 + 25;
        int length = (png[idat] << 24) | (png[idat + 1] << 16) | (png[idat + 2] << 8) | png[idat + 3];
        using var inflate = new ZLibStream(new MemoryStream(png, idat + 8, length), CompressionMode.Decompress);
        var rows = new MemoryStream();
        inflate.CopyTo(rows);
        Assert.Equal(new byte[] { 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 128, 128, 128, 255, 255, 255 }, rows.ToArray());
        Assert.Contains("<img src=\"data:image/png;base64," + FeatureRun.Text(data["image/png"]), run.Html);
    }

    [Fact]
    public void The_report_states_the_runs_provenance_and_each_cells_duration()
    {
        var provenance = run.Executed["metadata"]!["notebooks_host"]!.AsObject();
        Assert.Matches("^[0-9a-f]{40}(-dirty)?$", (string?)provenance["commit"]);
        Assert.Equal("smoke", (string?)provenance["profile"]);
        Assert.Equal("5", (string?)provenance["parameters"]!["Epochs"]);
        Assert.All(run.CodeCells, c => Assert.True((double)c["metadata"]!["notebooks_host"]!["duration_s"]! >= 0));
        foreach (var label in new[] { "run started", "commit", "profile", "parameters", "device", "machine", "duration" })
            Assert.Contains($"<th>{label}</th>", run.Html);
        Assert.Contains(((string?)provenance["commit"])!, run.Html);
        Assert.Contains("Epochs=5", run.Html);
        Assert.Matches(@"In \[11\]: \([0-9.]+ s\)", run.Html);
    }

    [Fact]
    public void Report_renders_markdown_and_inlines_plotly_js_once()
    {
        Assert.Contains(">Feature tour</h1>", run.Html);
        Assert.Contains("<strong>packages</strong>", run.Html);
        Assert.Single(Regex.Matches(run.Html, "data-plotly-version=\"[0-9.]+\""));
        Assert.True(run.Html.IndexOf("data-plotly-version", StringComparison.Ordinal) < run.Html.IndexOf("<body>", StringComparison.Ordinal));
        Assert.DoesNotMatch("<script[^>]+src=", run.Html);
        Assert.Contains("<table class=\"dataframe\">", run.Html);
        Assert.Contains("<b id=\"html-output\">bold</b>", run.Html);
        Assert.Contains("function requirejs(", run.Html);
    }
}
