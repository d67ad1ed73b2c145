using System.Globalization;
using System.Text.Json;
using Distill.Experiments.Detection;
using Distill.Training;

namespace Distill.Experiments;

/// <summary>
/// DRY RUN ONLY: a cap that checks a profile end to end (every model builds at its size, a few optimiser steps, an
/// evaluation pass, a checkpoint, a resume, the report) without training it. A capped experiment runs at most
/// <see cref="Epochs"/> epochs of <see cref="Steps"/> steps (it trains on the first Steps x batch items), evaluates on
/// the first <see cref="EvalBatches"/> batches of the test split, with the batch size cut to <see cref="Batch"/> where
/// given. Set by <c>DISTILL_DRY_RUN</c> ("1" for the defaults, or e.g. "epochs=2,steps=2,eval=1,batch=4"); the runners
/// apply it to every experiment they run. The cap is written into the config (<c>dryRun</c>), so a dry run has its own
/// hash and folder, and teachers are only ever found among runs with the same cap: a dry-run result is never reused
/// by a real run, nor the reverse.
/// </summary>
public sealed record DryRun(int Epochs = 2, int Steps = 2, int EvalBatches = 1, int? Batch = null)
{
    public const string Variable = "DISTILL_DRY_RUN";

    /// <summary>The file beside config.json where a dry run records its measured peak memory.</summary>
    public const string MemoryFile = "dry-run.json";

    /// <summary>The cap <c>DISTILL_DRY_RUN</c> sets, or null (a real run) when it is unset, empty or "0".</summary>
    public static DryRun? Current => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>"1" (defaults) or comma-separated key=value of epochs, steps, eval, batch; null, "" and "0" are no cap.</summary>
    public static DryRun? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "0") return null;
        var cap = new DryRun();
        if (text.Trim() == "1") return cap;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0)
                throw new ArgumentException($"{Variable}='{text}': '{part}' is not key=positive integer (keys: epochs, steps, eval, batch).");
            cap = kv[0] switch
            {
                "epochs" => cap with { Epochs = n },
                "steps" => cap with { Steps = n },
                "eval" => cap with { EvalBatches = n },
                "batch" => cap with { Batch = n },
                _ => throw new ArgumentException($"{Variable}='{text}': unknown key '{kv[0]}' (keys: epochs, steps, eval, batch)."),
            };
        }
        return cap;
    }

    /// <summary><paramref name="e"/> under the current cap, or unchanged when there is none.</summary>
    public static TConfig Apply<TConfig>(TConfig e) where TConfig : IExperiment => Current is not { } cap ? e : e switch
    {
        Experiment x => (TConfig)(IExperiment)cap.Limit(x),
        DetectionExperiment d => (TConfig)(IExperiment)cap.Limit(d),
        _ => throw new NotSupportedException($"No dry-run cap for {typeof(TConfig).Name}."),
    };

    public Experiment Limit(Experiment e)
    {
        var c = Caps(e.Epochs, e.BatchSize, e.TrainImages, e.TestImages);
        return e with { Epochs = c.Epochs, BatchSize = c.Batch, TrainImages = c.Train, TestImages = c.Test, DryRun = this };
    }

    public DetectionExperiment Limit(DetectionExperiment e)
    {
        var c = Caps(e.Epochs, e.BatchSize, e.TrainImages, e.TestImages);
        return e with { Epochs = c.Epochs, BatchSize = c.Batch, TrainImages = c.Train, TestImages = c.Test, DryRun = this };
    }

    /// <summary>The capped epochs, batch and image counts: <see cref="Steps"/> batches to train on, <see cref="EvalBatches"/> to evaluate.</summary>
    (int Epochs, int Batch, int Train, int Test) Caps(int epochs, int batchSize, int? trainImages, int? testImages)
    {
        int batch = Math.Min(batchSize, Batch ?? batchSize);
        return (Math.Min(epochs, Epochs), batch, Math.Min(trainImages ?? int.MaxValue, Steps * batch), Math.Min(testImages ?? int.MaxValue, EvalBatches * batch));
    }

    /// <summary>
    /// Runs <paramref name="fit"/>; under a cap, first resets the process's peak resident set (Linux: clear_refs 5) and
    /// afterwards writes it to <see cref="MemoryFile"/> in <paramref name="folder"/> (the peak of this experiment, data
    /// the process already holds included), with the epochs and batch size the uncapped experiment plans, so a full run
    /// can be estimated from the capped one. TorchSharp 0.107 has no CUDA memory statistics: on a GPU this is host memory only.
    /// </summary>
    public static T Measured<T>(DryRun? cap, string folder, int plannedEpochs, int plannedBatch, Func<T> fit)
    {
        if (cap is null) return fit();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        var result = fit();
        AtomicFile.WriteText(Path.Combine(folder, MemoryFile),
            JsonSerializer.Serialize(new { peakRssMiB = PeakRssMiB(), plannedEpochs, plannedBatch, cap }, Experiment.Json));
        return result;
    }

    /// <summary>VmHWM of /proc/self/status in MiB, or null where there is none.</summary>
    static double? PeakRssMiB()
    {
        if (!File.Exists("/proc/self/status")) return null;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : Math.Round(long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0, 1);
    }
}
