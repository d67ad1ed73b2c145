using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Notebooks.Host.Tests;

/// <summary>
/// The project's notebooks run headless end to end in the smoke profile, as CI runs them: through the `notebooks` CLI
/// into a temporary folder, with a fresh result store ($DISTILL_RESULTS) so no stale result is reused. In the
/// "notebook runs" collection so that it uses the host's package cache the feature run set up and never races it.
/// </summary>
[Collection(NotebookRuns.Name)]
public sealed class NotebookSmokeTests
{
    [Fact]
    public async Task CrossLayerKdNotebookRunsInTheSmokeProfileAndReportsTableAndCharts()
    {
        const string name = "02-cross-layer-kd";
        var folder = TestNotebooks.ScratchFolder("nb02");
        var results = Path.Combine(folder, "results");
        var output = Path.Combine(folder, "out");
        Environment.SetEnvironmentVariable("DISTILL_RESULTS", results);
        try
        {
            var clock = Stopwatch.StartNew();
            int exit = await TestNotebooks.Cli("run", Path.Combine(TestNotebooks.RepoRoot, "notebooks", name + ".ipynb"),
                "--out", output, "--profile", "smoke");
            var failed = Path.Combine(output, name + ".failed.ipynb");
            Assert.False(File.Exists(failed), File.Exists(failed) ? ErrorsOf(failed) : "");
            Assert.Equal(0, exit);

            var executed = TestNotebooks.ReadJson(Path.Combine(output, name + ".ipynb"));
            Assert.Equal("ok", (string?)executed["metadata"]!["notebooks_host"]!["status"]);
            var outputs = executed["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []).ToList();
            Assert.DoesNotContain(outputs, o => (string?)o!["output_type"] == "error");
            Assert.Equal("", TestNotebooks.NbformatProblems(Path.Combine(output, name + ".ipynb")));

            var html = File.ReadAllText(Path.Combine(output, name + ".html"));
            var table = Regex.Matches(html, "<table class=\"dataframe\">.*?</table>", RegexOptions.Singleline)
                .Select(m => m.Value).FirstOrDefault(t => t.Contains("full method") && t.Contains("params ratio"));
            Assert.NotNull(table);
            foreach (var text in new[] { "teacher", "student from scratch", "Hinton KD", "FSP", "cross-layer", "+ KL", "+ ensemble",
                         "top-1 (%)", "params ratio", "FLOPs ratio", "seeds" })
                Assert.Contains(text, table);
            // Training curves, accuracy vs compression, Gram heatmaps.
            Assert.True(Regex.Matches(html, "Plotly.newPlot\\(").Count >= 3, "expected at least three charts in the report");
            Assert.Contains("\"type\":\"heatmap\"", html);
            // The committed cpu measurements, summarised whatever profile runs (the smoke results are elsewhere).
            Assert.Contains("cpu profile (10,240 / 5,000 train / test images", html);

            // Every run finished in the fresh store: 2 teachers, 7 student rows, 2 stage-1 runs (cross-layer's shared by 4 rows).
            Assert.Equal(11, Directory.EnumerateFiles(results, "summary.json", SearchOption.AllDirectories).Count());
            Console.WriteLine($"{name} smoke run: {clock.Elapsed.TotalSeconds:0} s");
        }
        finally
        {
            Environment.SetEnvironmentVariable("DISTILL_RESULTS", null);
            Directory.Delete(folder, recursive: true);
        }
    }

    static string ErrorsOf(string failedNotebook) =>
        string.Join("\n", TestNotebooks.ReadJson(failedNotebook)["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? [])
            .Where(o => (string?)o!["output_type"] == "error").Select(o => o!.ToJsonString()));
}
