using System.Diagnostics;
using Distill.Runtime;
using Distill.Training;

namespace Distill.Tests.Training;

/// <summary>A real training process is SIGKILLed mid-epoch and started again; the result equals an uninterrupted run.</summary>
[Collection("Training")]
public class KillResumeTests
{
    public KillResumeTests() => Fixtures.Initialize(51);

    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ChildKilledMidEpochResumesToTheUninterruptedResult()
    {
        var folder = Fixtures.TempFolder();
        var checkpoints = Path.Combine(folder, "checkpoints");

        using (var run = Start(folder, "1", "8"))
        {
            var child = run.Process;
            var paused = Task.Run(() =>
            {
                while (child.StandardOutput.ReadLine() is { } line)
                    if (line == "paused") return true;
                return false;
            });
            Assert.True(await Within(paused), $"the child never reached epoch 1, step 8: {Stderr(child)}");
            child.Kill();                                         // SIGKILL on Unix: no handler, no flush, no cleanup
            Assert.True(child.WaitForExit(Patience));
            Assert.Equal(128 + 9, child.ExitCode);
        }
        Assert.Equal(["epoch-0001.ckpt"], Directory.GetFiles(checkpoints).Select(Path.GetFileName));
        Assert.Single(MetricsLog.Read(Path.Combine(folder, "metrics.jsonl")));

        string output;
        using (var run = Start(folder))
        {
            var child = run.Process;
            output = await Within(child.StandardOutput.ReadToEndAsync());
            Assert.True(child.WaitForExit(Patience), "the resumed child did not finish");
            Assert.True(child.ExitCode == 0, $"exit code {child.ExitCode}: {Stderr(child)}");
        }
        Assert.Contains("resuming from", output);
        Assert.Contains("epoch-0001.ckpt (1 of 3 epochs done)", output);
        Assert.Contains("done, 1 epochs resumed", output);
        Assert.DoesNotContain("progress 0 ", output);             // epoch 0 was not trained again

        using var straight = TrainChild.Build();
        var expected = TrainChild.Trainer(straight, folder: null, progress: null, TextWriter.Null).Fit();
        var lines = MetricsLog.Read(Path.Combine(folder, "metrics.jsonl"));
        Assert.Equal(TrainChild.Epochs, lines.Count);
        for (int e = 0; e < TrainChild.Epochs; e++) Assert.True(expected.History[e].SameResultAs(lines[e]), $"epoch {e} metrics differ: in-process {expected.History[e].ToJsonLine()} vs child {lines[e].ToJsonLine()}");
        using var restored = TrainChild.Build();
        Checkpoint.Restore(Path.Combine(checkpoints, "epoch-0003.ckpt"), restored, optimizer: null);
        Fixtures.AssertSameWeights(Fixtures.Weights(straight), Fixtures.Weights(restored));
    }

    /// <summary>The task's result, or a failure naming the time limit when the child hangs.</summary>
    static async Task<T> Within<T>(Task<T> task)
    {
        try { return await task.WaitAsync(Patience); }
        catch (TimeoutException) { throw new Xunit.Sdk.XunitException($"the child process gave no answer within {Patience.TotalSeconds} s"); }
    }

    /// <summary>Starts this test assembly as the <see cref="TrainChild"/> program.</summary>
    static Child Start(string folder, params string[] pause)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[typeof(TrainChild).Assembly.Location, TrainChild.Verb, folder, .. pause])
            start.ArgumentList.Add(arg);
        start.Environment[TorchRuntime.DeviceVariable] = "cpu";
        var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        var errors = new System.Text.StringBuilder();
        Errors.Add(child, errors);
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        child.BeginErrorReadLine();
        return new Child(child);
    }

    /// <summary>A started child; disposing it kills it if a failed assertion left it running (or paused).</summary>
    sealed class Child(Process process) : IDisposable
    {
        public Process Process => process;

        public void Dispose()
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
        }
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, System.Text.StringBuilder> Errors = new();

    static string Stderr(Process child)
    {
        var errors = Errors.GetValue(child, _ => new());
        lock (errors) return errors.ToString();
    }
}
