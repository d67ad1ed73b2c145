using System.Text.Json.Nodes;

namespace Notebooks.Host.Tests;

/// <summary>
/// notebooks/03-detection-kd.ipynb in the smoke profile, run once through the CLI: the smoke profile's generated scene
/// set (`data-prep make-voc`, as in DetectionKd's doc) in a temp folder as its data root and a temp results folder. The
/// notebook runs where it is (its #r of Distill.Interactive is relative to notebooks/); the report goes to the temp folder.
/// </summary>
public sealed class Notebook03Run : IAsyncLifetime
{
    public string Folder { get; } = TestNotebooks.ScratchFolder("nb03");
    public string OutFolder => Path.Combine(Folder, "out");
    public int Exit { get; private set; }
    public JsonObject Executed { get; private set; } = new();
    public string Html { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var dataRoot = Path.Combine(Folder, "scenes");
        var dataPrep = Path.Combine(TestNotebooks.RepoRoot, "data-prep", "bin", TestNotebooks.Configuration, "net10.0", "data-prep.dll");
        // The smoke profile's scene set (DetectionKd): three distinct classes, articles of 20-48 px at 96x96.
        var (made, log) = TestNotebooks.Run("dotnet", dataPrep, "make-voc", "--out", dataRoot, "--train", "96", "--test", "24", "--size", "96",
            "--classes", "tshirt,bag,ankle_boot", "--min-object", "20", "--max-object", "48");
        if (made != 0) throw new InvalidOperationException($"data-prep make-voc failed ({made}): {log}");

        var notebook = Path.Combine(TestNotebooks.RepoRoot, "notebooks", "03-detection-kd.ipynb");

        Exit = await TestNotebooks.Cli("run", notebook, "--out", OutFolder, "--profile", "smoke",
            "--param", $"DataRoot={dataRoot}", "--param", $"ResultsRoot={Path.Combine(Folder, "results")}");
        var executed = Path.Combine(OutFolder, Exit == 0 ? "03-detection-kd.ipynb" : "03-detection-kd.failed.ipynb");
        Executed = TestNotebooks.ReadJson(executed);
        Html = File.ReadAllText(Path.Combine(OutFolder, Exit == 0 ? "03-detection-kd.html" : "03-detection-kd.failed.html"));
    }

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("KEEP_NB03") is null) Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    public IEnumerable<JsonObject> Outputs => Executed["cells"]!.AsArray().Select(c => c!.AsObject())
        .Where(c => (string?)c["cell_type"] == "code").SelectMany(c => c["outputs"]!.AsArray().Select(o => o!.AsObject()));

    public JsonObject Cell(string id) => Executed["cells"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string?)c["id"] == id);
}

[Collection(NotebookRuns.Name)]
public sealed class Notebook03SmokeTests(Notebook03Run run) : IClassFixture<Notebook03Run>
{
    static string Plain(JsonObject output) => FeatureRun.Text(output["data"]?["text/plain"]);

    [Fact]
    public void Smoke_run_finishes_without_error_outputs()
    {
        var errors = run.Outputs.Where(o => (string?)o["output_type"] == "error").Select(o => o.ToJsonString()).ToList();
        Assert.Empty(errors);
        Assert.Equal(0, run.Exit);
        Assert.Equal("", TestNotebooks.NbformatProblems(Path.Combine(run.OutFolder, "03-detection-kd.ipynb")));
    }

    [Fact]
    public void Report_holds_the_ablation_table_the_images_and_the_charts()
    {
        var table = Plain(Assert.Single(run.Cell("c10-table")["outputs"]!.AsArray())!.AsObject());
        foreach (var row in new[] { "Teacher", "Student from scratch", "+ hint", "+ weighted soft CE", "+ bounded regression", "all (hint + soft CE + bounded)" })
            Assert.Contains(row, table);
        foreach (var column in new[] { "mAP", "mAP (area)", "tshirt", "ankle_boot", "Params (M)", "GFLOPs", "ms / image" })
            Assert.Contains(column, table);

        var image = Assert.Single(run.Cell("c12-images")["outputs"]!.AsArray())!.AsObject();
        Assert.NotNull(image["data"]!["image/png"]);
        Assert.Contains("data:image/png;base64,", run.Html);

        var chart = Assert.Single(run.Cell("c14-curves")["outputs"]!.AsArray())!.AsObject();
        Assert.Contains("Plotly.newPlot(", FeatureRun.Text(chart["data"]!["text/html"]));
        Assert.Contains("rpn_cls (train mean)", run.Html);
        Assert.Contains("bounded (train mean)", run.Html);
        Assert.Contains("hint (train mean)", run.Html);
        Assert.Contains("smoke", FeatureRun.Text(run.Executed["cells"]![1]!["source"]).ToLowerInvariant());
    }
}
