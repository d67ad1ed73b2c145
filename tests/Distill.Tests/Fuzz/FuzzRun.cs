using System.Diagnostics;
using Xunit.Abstractions;

namespace Distill.Tests.Fuzz;

/// <summary>What a fuzz run over one format found: every input either read or failed cleanly, within the allocation bound.</summary>
/// <param name="PeakOfBound">The largest share of its allocation bound any input used.</param>
public sealed record FuzzFigures(string Format, int Inputs, int CleanErrors, int Accepted, long PeakAllocated, double PeakOfBound,
                                 IReadOnlyDictionary<string, int> Kinds)
{
    public override string ToString() =>
        $"{Format}: {Inputs} inputs, {CleanErrors} clean errors, {Accepted} accepted, peak allocation {PeakAllocated / 1024.0:F0} KiB " +
        $"(at most {100 * PeakOfBound:F1}% of an input's bound); mutations {string.Join(", ", Kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}";
}

/// <summary>
/// Runs a reader over mutated inputs. Inputs per format: $DISTILL_FUZZ_INPUTS, default <see cref="DefaultInputs"/> (CI);
/// the long run sets e.g. DISTILL_FUZZ_INPUTS=5000. Each input must end in success or the format's documented
/// exception naming the file, and allocate on the reading thread at most <see cref="BaseBytes"/> plus
/// <see cref="BytesPerJustified"/> times the bytes the input justifies (its length; for deflate data
/// DataFiles.MaxDeflateRatio times its compressed length).
/// </summary>
public static class FuzzRun
{
    public const string InputsVariable = "DISTILL_FUZZ_INPUTS";
    public const int DefaultInputs = 300;
    public const long BaseBytes = 1 << 20;
    public const int BytesPerJustified = 16;

    public static int Inputs(int defaultInputs = DefaultInputs) =>
        int.TryParse(Environment.GetEnvironmentVariable(InputsVariable), out int n) && n > 0 ? n : defaultInputs;

    /// <summary>One mutated input: its kind, and how many bytes it justifies for allocation.</summary>
    public sealed record Input(string Kind, long JustifiedBytes);

    /// <param name="prepare">Writes mutated input k into place (seeded by k) and says what it is.</param>
    /// <param name="read">Reads it: returns normally when accepted.</param>
    /// <param name="isClean">Whether an exception is the format's documented one and names the damaged file.</param>
    /// <param name="restore">Puts the valid files back after each input.</param>
    public static FuzzFigures Run(string format, int inputs, Func<int, Input> prepare, Action read, Func<Exception, bool> isClean,
                                  Action restore, ITestOutputHelper output)
    {
        int clean = 0, accepted = 0;
        long peak = 0;
        double peakOfBound = 0;
        var kinds = new Dictionary<string, int>();
        for (int k = 0; k < inputs; k++)
        {
            var input = prepare(k);
            kinds[input.Kind] = kinds.GetValueOrDefault(input.Kind) + 1;
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? failure = null;
            try { read(); }
            catch (Exception e) { failure = e; }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            restore();
            if (failure is null) accepted++;
            else if (isClean(failure)) clean++;
            else throw new Xunit.Sdk.XunitException($"{format} input {k} ({input.Kind}) escaped as {failure.GetType().Name}: {failure.Message}\n{failure}");
            long bound = BaseBytes + BytesPerJustified * input.JustifiedBytes;
            Assert.True(allocated <= bound,
                $"{format} input {k} ({input.Kind}) allocated {allocated} bytes, over the bound {bound} for {input.JustifiedBytes} justified bytes");
            peak = Math.Max(peak, allocated);
            peakOfBound = Math.Max(peakOfBound, (double)allocated / bound);
        }
        var figures = new FuzzFigures(format, inputs, clean, accepted, peak, peakOfBound, kinds);
        output.WriteLine(figures.ToString());
        Trace.WriteLine(figures.ToString());
        return figures;
    }
}
