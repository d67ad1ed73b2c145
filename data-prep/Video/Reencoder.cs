namespace DataPrep.Video;

/// <summary>One video to re-encode: the source file and where its MPEG-4 copy goes.</summary>
public sealed record ReencodeJob(string Source, string Output);

/// <summary>How one job ended.</summary>
public enum ReencodeStatus { Encoded, AlreadyDone, Failed }

/// <summary>The outcome of one job; <paramref name="Reason"/> says why a failed one failed.</summary>
public sealed record ReencodeOutcome(ReencodeJob Job, ReencodeStatus Status, string? Reason = null);

/// <summary>Counts of a re-encode run and the files that could not be decoded (skipped, not fatal).</summary>
public sealed record ReencodeSummary(int Encoded, int AlreadyDone, IReadOnlyList<ReencodeOutcome> Failures)
{
    public override string ToString() =>
        $"{Encoded} encoded, {AlreadyDone} already done, {Failures.Count} failed to decode (skipped)";
}

/// <summary>
/// Re-encodes videos to <see cref="Mpeg4Encoding"/> with parallel ffmpeg workers. Resumable: an output that
/// already exists and probes as a complete encode is skipped; each encode writes "name.partial" first and renames
/// it only when ffmpeg succeeded and the result probes complete, so an interrupted run never leaves a half file
/// under the final name. A source ffmpeg cannot decode is reported and skipped.
/// </summary>
public sealed class Reencoder(Mpeg4Encoding encoding, int workers, TimeSpan perFileLimit)
{
    readonly Mpeg4Encoding encoding = encoding.Checked();

    /// <summary>Runs every job; <paramref name="onDone"/> is called once per job as it finishes (any thread).</summary>
    public async Task<ReencodeSummary> RunAsync(IReadOnlyList<ReencodeJob> jobs, Action<ReencodeOutcome>? onDone = null,
        CancellationToken cancel = default)
    {
        var outcomes = new ReencodeOutcome[jobs.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancel };
        await Parallel.ForAsync(0, jobs.Count, options, async (i, ct) =>
        {
            outcomes[i] = await RunOneAsync(jobs[i], ct);
            onDone?.Invoke(outcomes[i]);
        });
        return new ReencodeSummary(
            outcomes.Count(o => o.Status == ReencodeStatus.Encoded),
            outcomes.Count(o => o.Status == ReencodeStatus.AlreadyDone),
            [.. outcomes.Where(o => o.Status == ReencodeStatus.Failed)]);
    }

    async Task<ReencodeOutcome> RunOneAsync(ReencodeJob job, CancellationToken cancel)
    {
        if (File.Exists(job.Output) && encoding.IsComplete(await VideoProbe.TryReadAsync(job.Output, cancel)))
            return new ReencodeOutcome(job, ReencodeStatus.AlreadyDone);
        if (!File.Exists(job.Source)) return new ReencodeOutcome(job, ReencodeStatus.Failed, "source file not found");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(job.Output))!);
        var partial = job.Output + ".partial";
        try
        {
            var result = await ExternalTool.RunAsync("ffmpeg",
                ["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", job.Source, .. encoding.OutputArguments(scale: true), partial],
                perFileLimit, cancel: cancel);
            if (!result.Succeeded) return new ReencodeOutcome(job, ReencodeStatus.Failed, result.Reason);
            var info = await VideoProbe.TryReadAsync(partial, cancel);
            if (!encoding.IsComplete(info))
                return new ReencodeOutcome(job, ReencodeStatus.Failed,
                    info is null ? "ffmpeg wrote no readable video" : $"ffmpeg wrote {info.Frames} frame(s) of {info.Codec} {info.Width}x{info.Height}");
            File.Move(partial, job.Output, overwrite: true);
            return new ReencodeOutcome(job, ReencodeStatus.Encoded);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    /// <summary>Jobs for every file with one of <paramref name="extensions"/> under <paramref name="sourceRoot"/>,
    /// mirrored under <paramref name="outputRoot"/> with the extension ".mp4", in ordinal path order.</summary>
    public static IReadOnlyList<ReencodeJob> MirrorJobs(string sourceRoot, string outputRoot, IReadOnlyCollection<string> extensions) =>
    [
        .. Directory.EnumerateFiles(sourceRoot, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(sourceRoot, f))
            .Order(StringComparer.Ordinal)
            .Select(rel => new ReencodeJob(Path.Combine(sourceRoot, rel), Path.Combine(outputRoot, Path.ChangeExtension(rel, ".mp4")))),
    ];

    /// <summary>Writes the failures as tab-separated "source, reason" lines (a header line first) to <paramref name="file"/>.</summary>
    public static void WriteFailureReport(string file, IReadOnlyList<ReencodeOutcome> failures)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File.WriteAllLines(file, ["source\treason", .. failures.Select(f => $"{f.Job.Source}\t{f.Reason?.Replace('\t', ' ')}")]);
    }
}
