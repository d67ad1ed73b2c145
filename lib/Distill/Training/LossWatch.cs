using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Training;

/// <summary>A loss became NaN or infinite; names the epoch, the step and the terms at fault.</summary>
public sealed class NonFiniteLossException(string message) : Exception(message)
{
    public required int Epoch { get; init; }
    public required int Step { get; init; }
}

/// <summary>
/// Accumulates the per-step losses of an epoch on the device, without a host sync per step: every step writes the
/// total and each term into one row of a window of <see cref="CheckEvery"/> rows (one stack and one copy, the copy
/// widening to float64). <see cref="Check"/> (one sync) runs when the window is full: it folds the window into the
/// epoch's running sums and, when it finds a non-finite value, names the first bad step and the terms at fault.
/// </summary>
public sealed class LossWatch : IDisposable
{
    readonly Tensor window;          // [CheckEvery, 1 + terms]: total, then each term
    readonly Tensor sums;            // [1 + terms] running sums over the checked windows of the epoch
    readonly IReadOnlyList<string> keys;
    int filled, windowStart, steps;

    public LossWatch(IReadOnlyList<string> termKeys, int checkEvery, Device device)
    {
        if (checkEvery <= 0) throw new ArgumentOutOfRangeException(nameof(checkEvery), checkEvery, "must be > 0");
        CheckEvery = checkEvery;
        keys = ["total", .. termKeys];
        window = zeros([checkEvery, keys.Count], float64, device);
        sums = zeros([keys.Count], float64, device);
    }

    public int CheckEvery { get; }

    /// <summary>The most recent window's mean total loss, known after the last <see cref="Check"/>.</summary>
    public double RecentLoss { get; private set; } = double.NaN;

    /// <summary>Records step <paramref name="step"/>; checks (one host sync) when the window is full.</summary>
    public void Record(int epoch, int step, Tensor total, IReadOnlyList<Tensor> terms)
    {
        if (filled == 0) windowStart = step;
        using (no_grad())
        using (var row = stack([total, .. terms]))
        using (var slot = window.select(0, filled))
            slot.copy_(row);
        filled++;
        steps++;
        if (filled == CheckEvery) Check(epoch);
    }

    /// <summary>Throws <see cref="NonFiniteLossException"/> if any recorded value of the window is NaN or infinite.</summary>
    public void Check(int epoch)
    {
        if (filled == 0) return;
        using var rows = window.narrow(0, 0, filled);
        using var finite = rows.isfinite();
        using var allFinite = finite.all();
        if (!allFinite.item<bool>())
        {
            using var onHost = rows.cpu();
            var host = onHost.data<double>().ToArray();
            int width = keys.Count;
            int bad = Enumerable.Range(0, filled).First(r => Enumerable.Range(0, width).Any(c => !double.IsFinite(host[r * width + c])));
            var values = string.Join(", ", keys.Select((k, c) => $"{k}={host[bad * width + c]}"));
            int step = windowStart + bad;
            throw new NonFiniteLossException($"Non-finite loss at epoch {epoch}, step {step}: {values}.") { Epoch = epoch, Step = step };
        }
        using var windowSums = rows.sum(0L);
        sums.PlusInPlace(windowSums);
        using var total = windowSums[0];
        RecentLoss = total.item<double>() / filled;
        filled = 0;
    }

    /// <summary>Mean of every key ("total" and each term) over the recorded steps; one host sync. Checks what is pending.</summary>
    public IReadOnlyDictionary<string, double> Means(int epoch)
    {
        Check(epoch);
        using var onHost = sums.cpu();
        var host = onHost.data<double>().ToArray();
        return keys.Select((k, i) => (k, v: host[i] / Math.Max(1, steps))).ToDictionary(x => x.k, x => x.v);
    }

    public void Dispose()
    {
        window.Dispose();
        sums.Dispose();
    }
}
