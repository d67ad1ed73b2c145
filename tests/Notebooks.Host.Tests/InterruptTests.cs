using System.Diagnostics;

namespace Notebooks.Host.Tests;

/// <summary>
/// SIGTERM (a scheduler's stop, `kill`) while a cell is busy: the host stops at once with exit code 130 and writes
/// what ran, the busy cell marked as interrupted, as a failed run beside the last good report.
/// </summary>
[Collection(NotebookRuns.Name)]
public sealed class InterruptTests : IDisposable
{
    readonly string folder = TestNotebooks.ScratchFolder("interrupt");

    [Fact]
    public async Task Sigterm_during_a_long_cell_stops_the_run_and_keeps_what_ran()
    {
        var notebook = TestNotebooks.Write(folder, "long", TestNotebooks.Code("Console.WriteLine(\"epoch 1 done\");"),
            TestNotebooks.Code("System.Threading.Thread.Sleep(120_000);"), TestNotebooks.Code("\"never\""));
        var host = Path.Combine(TestNotebooks.RepoRoot, "lib", "Notebooks.Host", "bin", TestNotebooks.Configuration, "net10.0", "notebooks.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { host, "run", notebook, "--out", Path.Combine(folder, "out") }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.Contains("cell 1/3")) { }
        Assert.NotNull(line);
        await Task.Delay(500);   // the second cell is sleeping now

        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed} to stop");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("cell 2/3", await stdout);
        Assert.Contains("interrupted in cell", await stderr);

        var failed = TestNotebooks.ReadJson(Path.Combine(folder, "out", "long.failed.ipynb"));
        Assert.Equal("", TestNotebooks.NbformatProblems(Path.Combine(folder, "out", "long.failed.ipynb")));
        Assert.Equal("interrupted", (string?)failed["metadata"]!["notebooks_host"]!["status"]);
        var cells = failed["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal("epoch 1 done\n", (string?)cells[0]["outputs"]![0]!["text"]![0]);
        var error = Assert.Single(cells[1]["outputs"]!.AsArray())!;
        Assert.Equal("Interrupted", (string?)error["ename"]);
        Assert.Empty(cells[2]["outputs"]!.AsArray());
        Assert.False(File.Exists(Path.Combine(folder, "out", "long.ipynb")));
        Assert.Contains("This run was interrupted (Ctrl+C or SIGTERM)", File.ReadAllText(Path.Combine(folder, "out", "long.failed.html")));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
