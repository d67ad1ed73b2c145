using Spectre.Console;

namespace DataPrep.Fetch;

/// <summary>Where fetch and verify tell the user what happens: messages and byte progress of long transfers.</summary>
public interface IFetchReporter
{
    /// <summary>A line of news ("checksum verified", "already complete").</summary>
    void Info(string message);

    /// <summary>A line about something that went wrong but was handled ("connection lost; resuming").</summary>
    void Warn(string message);

    /// <summary>Runs <paramref name="work"/> while showing its byte progress under <paramref name="label"/>.</summary>
    Task<T> TrackAsync<T>(string label, Func<IByteProgress, Task<T>> work);
}

/// <summary>Byte progress of one transfer.</summary>
public interface IByteProgress
{
    /// <summary>(Re)starts the count: <paramref name="total"/> bytes expected (null when unknown), <paramref name="done"/> already there.</summary>
    void Start(long? total, long done);

    /// <summary><paramref name="done"/> bytes are there now.</summary>
    void Report(long done);
}

/// <summary>Picks the progress style for the console: a Spectre.Console bar on a terminal, plain lines otherwise.</summary>
public static class FetchReporters
{
    /// <summary>A reporter writing to <paramref name="output"/>, with live bars only when that is an interactive terminal.</summary>
    public static IFetchReporter ForConsole(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? new SpectreFetchReporter(AnsiConsole.Console)
            : new PlainFetchReporter(output);
}

/// <summary>Plain lines, for logs and pipes: a line per tenth of a transfer (or per 64 MiB when the size is unknown).</summary>
public sealed class PlainFetchReporter(TextWriter output) : IFetchReporter
{
    public void Info(string message) => output.WriteLine(message);

    public void Warn(string message) => output.WriteLine("warning: " + message);

    public async Task<T> TrackAsync<T>(string label, Func<IByteProgress, Task<T>> work)
    {
        var progress = new PlainProgress(label, output);
        var result = await work(progress);
        progress.Finish();
        return result;
    }

    sealed class PlainProgress(string label, TextWriter output) : IByteProgress
    {
        const long UnknownSizeStep = 64L << 20;
        long? total;
        long nextLine;
        long done;

        public void Start(long? total, long done)
        {
            this.total = total;
            this.done = done;
            output.WriteLine(done > 0
                ? $"{label}: resuming at {Bytes.Format(done)}{Of(total)}"
                : $"{label}: downloading{Of(total)}");
            nextLine = NextStep(done);
        }

        public void Report(long done)
        {
            this.done = done;
            if (done < nextLine) return;
            output.WriteLine(total is > 0 and var t
                ? $"{label}: {100 * done / t,3}% ({Bytes.Format(done)} of {Bytes.Format(t)})"
                : $"{label}: {Bytes.Format(done)}");
            nextLine = NextStep(done);
        }

        public void Finish() => output.WriteLine($"{label}: {Bytes.Format(done)} done");

        long NextStep(long at)
        {
            long step = total is > 0 and var t ? Math.Max(1, t / 10) : UnknownSizeStep;
            return (at / step + 1) * step;
        }

        static string Of(long? total) => total is { } t ? $" ({Bytes.Format(t)})" : "";
    }
}

/// <summary>Live Spectre.Console bars with size, speed and time left; messages during a bar wait until it ends.</summary>
public sealed class SpectreFetchReporter(IAnsiConsole console) : IFetchReporter
{
    readonly List<string> held = [];
    bool live;

    public void Info(string message) => Write(Markup.Escape(message));

    public void Warn(string message) => Write("[yellow]warning:[/] " + Markup.Escape(message));

    void Write(string markup)
    {
        if (live) held.Add(markup);
        else console.MarkupLine(markup);
    }

    public async Task<T> TrackAsync<T>(string label, Func<IByteProgress, Task<T>> work)
    {
        live = true;
        try
        {
            return await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context => await work(new SpectreProgress(context.AddTask(Markup.Escape(label)))));
        }
        finally
        {
            live = false;
            foreach (var line in held) console.MarkupLine(line);
            held.Clear();
        }
    }

    sealed class SpectreProgress(ProgressTask task) : IByteProgress
    {
        public void Start(long? total, long done)
        {
            task.IsIndeterminate = total is null;
            task.MaxValue = total ?? double.MaxValue;
            task.Value = done;
        }

        public void Report(long done) => task.Value = done;
    }
}

/// <summary>Byte counts for people: 1.5 MiB, 162.2 MiB.</summary>
public static class Bytes
{
    public static string Format(long bytes) => bytes switch
    {
        < 1L << 10 => $"{bytes} B",
        < 1L << 20 => $"{bytes / 1024.0:0.0} KiB",
        < 1L << 30 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };
}
