namespace DataPrep.Video;

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
    public async Task<PreparedVideos> RunAsync(VideoDataset dataset, string root, Action<int>? onJobCount = null,
        Action<ReencodeOutcome>? onDone = null, CancellationToken cancel = default)
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

        var videos = Path.Combine(home, "mpeg4_videos");
        var jobs = splits.SelectMany(s => s.AllPaths).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(p => new ReencodeJob(Path.Combine(raw, dataset.VideoFolder, p), Path.Combine(videos, Path.ChangeExtension(p, ".mp4"))))
            .ToList();
        onJobCount?.Invoke(jobs.Count);
        var summary = await reencoder.RunAsync(jobs, onDone, cancel);
        Reencoder.WriteFailureReport(Path.Combine(home, "reencode-failures.tsv"), summary.Failures);

        var failed = summary.Failures.Select(f => Path.GetRelativePath(Path.Combine(raw, dataset.VideoFolder), f.Job.Source).Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
        var splitFolder = Path.Combine(home, "splits");
        var kept = splits.Select(s => s.Select(p => failed.Contains(p) ? null : Path.ChangeExtension(p, ".mp4"))).ToList();
        UcfSplits.Write(splitFolder, kept);
        var dropped = splits.Sum(s => s.Train.Count + s.Test.Count) - kept.Sum(s => s.Train.Count + s.Test.Count);
        return new PreparedVideos(videos, splitFolder, summary, dropped);
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
