namespace DataPrep.Video;

/// <summary>A data set downloaded and unpacked: where its home and source videos are, and its parsed splits.</summary>
public sealed record UnpackedVideos(VideoDataset Dataset, string Home, string SourceVideos, IReadOnlyList<ActionSplit> Splits)
{
    /// <summary>One re-encode job per video the splits name, into &lt;home&gt;/mpeg4_videos/, in ordinal order.</summary>
    public IReadOnlyList<ReencodeJob> Jobs =>
    [
        .. Splits.SelectMany(s => s.AllPaths).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(p => new ReencodeJob(Path.Combine(SourceVideos, p), Path.Combine(Home, "mpeg4_videos", Path.ChangeExtension(p, ".mp4")))),
    ];
}

/// <summary>What a preparation run produced: where the MPEG-4 videos and split lists are, and the re-encode counts.</summary>
public sealed record PreparedVideos(string VideoFolder, string SplitFolder, ReencodeSummary Reencode, int DroppedFromSplits);

/// <summary>
/// Prepares UCF-101 or HMDB51 for the compressed-domain reader, in CoViAR's order: download the video and split
/// archives, unpack them (HMDB51's per-class RARs too), parse the three official splits, re-encode every video
/// they name to MPEG-4 Part 2 (<see cref="Mpeg4Encoding"/>), and write the splits in UCF-101's list format pointing
/// at the .mp4 files. Layout under &lt;root&gt;/&lt;name&gt;/: downloads/, raw/, mpeg4_videos/&lt;Class&gt;/*.mp4,
/// splits/ (classInd.txt, trainlist0N.txt, testlist0N.txt) and reencode-failures.tsv. Every step resumes.
/// </summary>
public sealed class VideoPreparation(HttpClient http, Reencoder reencoder, TextWriter log)
{
    /// <summary>All steps: <see cref="UnpackAsync"/>, then <see cref="ReencodeAsync"/>.</summary>
    public async Task<PreparedVideos> RunAsync(VideoDataset dataset, string root, Action<ReencodeOutcome>? onDone = null,
        CancellationToken cancel = default) =>
        await ReencodeAsync(await UnpackAsync(dataset, root, cancel), onDone, cancel);

    /// <summary>Downloads and unpacks both archives (skipping what an earlier run finished) and parses the splits.</summary>
    public async Task<UnpackedVideos> UnpackAsync(VideoDataset dataset, string root, CancellationToken cancel = default)
    {
        var home = Path.Combine(root, dataset.Name);
        var raw = Path.Combine(home, "raw");
        foreach (var archive in new[] { dataset.Videos, dataset.Splits })
        {
            var file = Path.Combine(home, "downloads", archive.FileName);
            var fetched = await ArchiveDownload.FetchAsync(http, archive.Url, file, archive.Md5, cancel);
            log.WriteLine(fetched ? $"downloaded {archive.Url}" : $"{archive.FileName} already downloaded");
            await UnpackOnceAsync(file, archive == dataset.Videos && dataset.NestedClassArchives ? Path.Combine(raw, "rars") : raw, cancel);
        }
        if (dataset.NestedClassArchives)
        {
            var inner = Directory.EnumerateFiles(Path.Combine(raw, "rars"), "*.rar").Order(StringComparer.Ordinal).ToList();
            if (inner.Count == 0) throw new IOException($"{dataset.Videos.FileName} held no per-class .rar archives");
            foreach (var classArchive in inner) await UnpackOnceAsync(classArchive, Path.Combine(raw, dataset.VideoFolder), cancel);
        }
        var splits = dataset.ReadSplits(Path.Combine(raw, dataset.SplitFolder));
        log.WriteLine($"{dataset.Name}: {splits[0].Classes.Count} classes; " +
                      string.Join(", ", splits.Select(s => $"split {s.Number}: {s.Train.Count} train / {s.Test.Count} test")));
        return new UnpackedVideos(dataset, home, Path.Combine(raw, dataset.VideoFolder), splits);
    }

    /// <summary>Re-encodes the videos the splits name, reports failures, and writes the splits without them.</summary>
    public async Task<PreparedVideos> ReencodeAsync(UnpackedVideos unpacked, Action<ReencodeOutcome>? onDone = null,
        CancellationToken cancel = default)
    {
        var summary = await reencoder.RunAsync(unpacked.Jobs, onDone, cancel);
        Reencoder.WriteFailureReport(Path.Combine(unpacked.Home, "reencode-failures.tsv"), summary.Failures);
        var failed = summary.Failures.Select(f => Path.GetRelativePath(unpacked.SourceVideos, f.Job.Source).Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
        var kept = unpacked.Splits.Select(s => s.Select(p => failed.Contains(p) ? null : Path.ChangeExtension(p, ".mp4"))).ToList();
        var splitFolder = Path.Combine(unpacked.Home, "splits");
        UcfSplits.Write(splitFolder, kept);
        var dropped = unpacked.Splits.Sum(s => s.Train.Count + s.Test.Count) - kept.Sum(s => s.Train.Count + s.Test.Count);
        return new PreparedVideos(Path.Combine(unpacked.Home, "mpeg4_videos"), splitFolder, summary, dropped);
    }

    /// <summary>Unpacks <paramref name="archive"/> unless a stamp file says an earlier run finished it.</summary>
    static async Task UnpackOnceAsync(string archive, string folder, CancellationToken cancel)
    {
        var stamp = Path.Combine(folder, $".{Path.GetFileName(archive)}.unpacked");
        if (File.Exists(stamp)) return;
        await Unar.ExtractAsync(archive, folder, cancel);
        await File.WriteAllTextAsync(stamp, DateTime.UtcNow.ToString("O"), cancel);
    }
}
