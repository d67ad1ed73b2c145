namespace DataPrep.Fetch;

/// <summary>
/// The full check behind <c>data-prep verify</c>: every file the manifest lists is re-hashed (SHA-256), the
/// required files are checked for size and structure, and every archive still under downloads/ is checked
/// against its published checksum, or, where none is published (ImageNet 64x64), against the SHA-256 recorded
/// on first fetch.
/// </summary>
public sealed class DatasetVerifier(DataLayout layout, IFetchReporter reporter)
{
    /// <summary>What is wrong with the fetched copy of <paramref name="source"/>; empty when every check passes.</summary>
    public async Task<List<string>> VerifyAsync(DatasetSource source, CancellationToken cancel = default)
    {
        var folder = layout.DatasetFolder(source.Name);
        if (!Directory.Exists(folder)) return [$"not fetched: {folder} does not exist (run 'data-prep fetch {source.Name}')"];
        var manifestPath = layout.ManifestPath(source.Name);
        if (!File.Exists(manifestPath)) return [$"{manifestPath} is missing, so there is nothing to verify against"];
        DatasetManifest manifest;
        try
        {
            manifest = DatasetManifest.Load(manifestPath);
        }
        catch (FetchException ex)
        {
            return [ex.Message];
        }

        var problems = manifest.QuickCheck(folder, source);
        await CheckFileHashesAsync(source.Name, folder, manifest, problems, cancel);
        problems.AddRange(StructureChecks.CheckRequiredFiles(folder, source.RequiredFiles));
        foreach (var archive in source.Archives)
            await CheckArchiveAsync(source, archive, manifest, problems, cancel);
        return problems;
    }

    async Task CheckFileHashesAsync(string name, string folder, DatasetManifest manifest, List<string> problems, CancellationToken cancel)
    {
        var present = manifest.Files
            .Where(f => File.Exists(DatasetManifest.FullPath(folder, f)) && new FileInfo(DatasetManifest.FullPath(folder, f)).Length == f.Size)
            .ToList();
        await reporter.TrackAsync($"{name}: hashing {present.Count} files", async progress =>
        {
            long done = 0;
            progress.Start(present.Sum(f => f.Size), 0);
            foreach (var file in present)
            {
                var actual = await FileDigests.Sha256OfFileAsync(DatasetManifest.FullPath(folder, file), cancel, read => progress.Report(done += read));
                if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{file.Path}: SHA-256 {actual}, the manifest recorded {file.Sha256}");
            }
            return done;
        });
    }

    async Task CheckArchiveAsync(DatasetSource source, ArchiveSource archive, DatasetManifest manifest, List<string> problems, CancellationToken cancel)
    {
        var path = layout.ArchivePath(source.Name, archive);
        if (!File.Exists(path))
        {
            reporter.Info($"{archive.FileName}: not kept under {layout.DownloadsFolder(source.Name)}; archive check skipped");
            return;
        }
        var digests = await FileDigests.OfFileAsync(path, cancel);
        if (archive.Checksum is { } published)
        {
            if (!published.Matches(digests))
                problems.Add($"{path}: {published.Algorithm} {published.Actual(digests)}, published {published.Hex.ToLowerInvariant()}");
            return;
        }
        var recorded = manifest.Archives.FirstOrDefault(a => a.File == archive.FileName)?.Sha256;
        if (recorded is null) problems.Add($"{path}: the manifest recorded no SHA-256 for it");
        else if (!string.Equals(recorded, digests.Sha256, StringComparison.OrdinalIgnoreCase))
            problems.Add($"{path}: SHA-256 {digests.Sha256}, recorded on first fetch {recorded}");
    }
}
