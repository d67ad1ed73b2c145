using System.CommandLine;

namespace DataPrep.Video;

/// <summary>The re-encode options the video verbs share: workers, frame size and the per-file time limit.</summary>
sealed class VideoOptions
{
    public required Option<int> Workers { get; init; }
    public required Option<string> Size { get; init; }
    public required Option<int> TimeoutSeconds { get; init; }

    public static VideoOptions Create() => new()
    {
        Workers = new Option<int>("--workers") { Description = "Parallel ffmpeg processes", DefaultValueFactory = _ => Environment.ProcessorCount },
        Size = new Option<string>("--size") { Description = "Output frame size WxH (CoViAR: 340x256)", DefaultValueFactory = _ => "340x256" },
        TimeoutSeconds = new Option<int>("--timeout") { Description = "Seconds one file may take before it counts as failed", DefaultValueFactory = _ => 600 },
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Workers);
        command.Options.Add(Size);
        command.Options.Add(TimeoutSeconds);
    }

    public Reencoder Reencoder(ParseResult parse)
    {
        var text = parse.GetValue(Size)!;
        var parts = text.Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var w) || !int.TryParse(parts[1], out var h))
            throw new ArgumentException($"--size '{text}' is not of the form WxH, e.g. 340x256");
        var workers = parse.GetValue(Workers);
        if (workers < 1) throw new ArgumentException($"--workers must be at least 1, got {workers}");
        return new Reencoder(new Mpeg4Encoding(w, h), workers, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(TimeoutSeconds))));
    }

    public static void Report(ReencodeSummary summary, string failureReport)
    {
        Console.WriteLine($"re-encode: {summary}");
        foreach (var failure in summary.Failures.Take(10)) Console.WriteLine($"  skipped {failure.Job.Source}: {failure.Reason}");
        if (summary.Failures.Count > 0) Console.WriteLine($"  all failures: {failureReport}");
    }
}
