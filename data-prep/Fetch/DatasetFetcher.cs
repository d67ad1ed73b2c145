namespace DataPrep.Fetch;

/// <summary>What a fetch of one set did.</summary>
public enum FetchOutcome
{
    /// <summary>The set was already complete (manifest and sizes agree); nothing was downloaded.</summary>
    AlreadyComplete,
    /// <summary>Archives were downloaded or re-checked, extracted and moved into place.</summary>
    Fetched,
}

/// <summary>
/// Fetches one data set into root/NAME: each archive is downloaded (resumably) to root/downloads/NAME and
/// accepted only when its published checksum matches, or, where none is published, when its structure checks
/// out and its SHA-256 is recorded. The archives are then extracted safely into root/.NAME.partial, the
/// required files are checked, fetch-manifest.json is written, and the folder is renamed into place in one
/// step, so an interrupted run never leaves a half-extracted set that looks complete.
/// </summary>
public sealed class DatasetFetcher(FetchOptions options, HttpClient http, IFetchReporter reporter)
{
    readonly DataLayout layout = new(options.Root);
    readonly ResumableDownloader downloader = new(http, options, reporter);

    /// <summary>Makes root/NAME a complete, verified copy of <paramref name="source"/>.</summary>
    public async Task<FetchOutcome> FetchAsync(DatasetSource source, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(options.Root);
        using var setLock = AcquireLock(source.Name);
        var folder = layout.DatasetFolder(source.Name);
        if (!options.Force && Directory.Exists(folder))
        {
            ConfirmIntact(source, folder);
            return FetchOutcome.AlreadyComplete;
        }
        if (source.AccessNote is { } note && options.Headers.Count == 0 && options.Urls.Count == 0 && options.BaseUrl is null)
            reporter.Warn($"{source.Name}: {note}");

        var records = new List<ArchiveRecord>();
        foreach (var archive in source.Archives)
            records.Add(await EnsureArchiveAsync(source, archive, cancel));
        await ExtractAndInstallAsync(source, records, cancel);
        return FetchOutcome.Fetched;
    }

    void ConfirmIntact(DatasetSource source, string folder)
    {
        var manifestPath = layout.ManifestPath(source.Name);
        if (!File.Exists(manifestPath))
            throw new FetchException($"{folder} exists but has no {DatasetManifest.FileName}, so it was not made by "
                + $"'data-prep fetch' (or not finished by it). Move it away, or pass --force to replace it.");
        var manifest = DatasetManifest.Load(manifestPath);
        var problems = manifest.QuickCheck(folder, source);
        if (problems.Count > 0)
            throw new FetchException($"{folder} is not intact: {string.Join("; ", problems.Take(5))}"
                + (problems.Count > 5 ? $" (and {problems.Count - 5} more)" : "")
                + $". Run 'data-prep verify {source.Name}' for a full check, or 'data-prep fetch {source.Name} --force' to fetch it again.");
        reporter.Info($"{source.Name}: complete in {folder} ({manifest.Files.Count} files, fetched {manifest.FetchedAt:u}); "
            + $"nothing to download. 'data-prep verify {source.Name}' re-checks every checksum.");
    }

    async Task<ArchiveRecord> EnsureArchiveAsync(DatasetSource source, ArchiveSource archive, CancellationToken cancel)
    {
        var path = layout.ArchivePath(source.Name, archive);
        var part = DataLayout.PartPath(path);
        var url = options.UrlFor(source, archive);
        Directory.CreateDirectory(layout.DownloadsFolder(source.Name));

        if (options.Force)
            foreach (var stale in new[] { path, part, DataLayout.RecordedSha256Path(path) }) File.Delete(stale);
        else if (File.Exists(path))
        {
            reporter.Info($"{archive.FileName}: already downloaded; checking it");
            var kept = await FileDigests.OfFileAsync(path, cancel);
            var problem = await ProblemWithKeptArchiveAsync(archive, path, kept, cancel);
            if (problem is null) return Record(archive, url, kept);
            reporter.Warn($"{path}: {problem}; downloading it again");
            File.Delete(path);
            File.Delete(DataLayout.RecordedSha256Path(path));
        }

        var digests = await downloader.DownloadAsync(url, part, archive.FileName, cancel);
        await AcceptAsync(archive, url, part, path, digests, cancel);
        File.Move(part, path);
        return Record(archive, url, digests);
    }

    /// <summary>Checks a fresh download; on failure deletes the ".part" so nothing that looks valid remains.</summary>
    async Task AcceptAsync(ArchiveSource archive, Uri url, string part, string path, FileDigests digests, CancellationToken cancel)
    {
        try
        {
            if (archive.Checksum is { } published)
            {
                if (!published.Matches(digests))
                    throw new ChecksumMismatchException(archive.FileName, url, published.Algorithm, published.Hex.ToLowerInvariant(), published.Actual(digests));
                reporter.Info($"{archive.FileName}: {published.Algorithm} {published.Hex.ToLowerInvariant()} matches the published checksum");
            }
            await StructureChecks.CheckArchiveAsync(part, archive, cancel);
            if (archive.Checksum is null)
            {
                await File.WriteAllTextAsync(DataLayout.RecordedSha256Path(path), $"{digests.Sha256}  {archive.FileName}\n", cancel);
                reporter.Info($"{archive.FileName}: no checksum is published; its layout checks out and its SHA-256 "
                    + $"{digests.Sha256} is recorded for later 'verify' runs");
            }
        }
        catch
        {
            File.Delete(part);
            throw;
        }
    }

    /// <summary>Why an archive kept from an earlier run cannot be reused, or null when it can.</summary>
    static async Task<string?> ProblemWithKeptArchiveAsync(ArchiveSource archive, string path, FileDigests kept, CancellationToken cancel)
    {
        if (archive.Checksum is { } published)
            return published.Matches(kept) ? null : $"{published.Algorithm} {published.Actual(kept)} differs from the published {published.Hex}";
        var recordedPath = DataLayout.RecordedSha256Path(path);
        if (File.Exists(recordedPath))
        {
            var recorded = (await File.ReadAllTextAsync(recordedPath, cancel)).Split(' ', 2)[0].Trim();
            return string.Equals(recorded, kept.Sha256, StringComparison.OrdinalIgnoreCase)
                ? null : $"SHA-256 {kept.Sha256} differs from the recorded {recorded}";
        }
        try
        {
            await StructureChecks.CheckArchiveAsync(path, archive, cancel);
            await File.WriteAllTextAsync(recordedPath, $"{kept.Sha256}  {archive.FileName}\n", cancel);
            return null;
        }
        catch (FetchException ex)
        {
            return ex.Message;
        }
    }

    static ArchiveRecord Record(ArchiveSource archive, Uri url, FileDigests digests) => new(
        archive.FileName, url.GetLeftPart(UriPartial.Path), digests.Length, digests.Md5, digests.Sha256,
        archive.Checksum is { } published ? $"{DatasetManifest.PublishedChecksum} {published.Algorithm}" : DatasetManifest.RecordedChecksum);

    async Task ExtractAndInstallAsync(DatasetSource source, IReadOnlyList<ArchiveRecord> records, CancellationToken cancel)
    {
        var staging = layout.StagingFolder(source.Name);
        if (Directory.Exists(staging))
        {
            reporter.Warn($"{source.Name}: removing {staging}, an extraction an earlier run did not finish");
            Directory.Delete(staging, recursive: true);
        }
        Directory.CreateDirectory(staging);
        try
        {
            var files = new Dictionary<string, ExtractedFile>(StringComparer.Ordinal);
            foreach (var archive in source.Archives)
            {
                reporter.Info($"{source.Name}: extracting {archive.FileName}");
                foreach (var file in await SafeExtractor.ExtractAsync(layout.ArchivePath(source.Name, archive), archive.Format, staging, cancel))
                    files[file.Path] = file;
            }
            if (files.ContainsKey(DatasetManifest.FileName))
                throw new FetchException($"{source.Name}: an archive holds a file named {DatasetManifest.FileName}, the name of the fetch manifest.");
            var problems = StructureChecks.CheckRequiredFiles(staging, source.RequiredFiles);
            if (problems.Count > 0)
                throw new FetchException($"{source.Name}: the archives do not hold a complete copy of {source.Title}: "
                    + $"{string.Join("; ", problems)}. Nothing was installed.");

            var manifest = new DatasetManifest(DatasetManifest.CurrentFormat, source.Name, DateTimeOffset.UtcNow, records,
                [.. files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => new FileRecord(f.Path, f.Size, f.Sha256))]);
            manifest.Save(Path.Combine(staging, DatasetManifest.FileName));
            Install(source.Name, staging);
            reporter.Info($"{source.Name}: {files.Count} files ({Bytes.Format(files.Values.Sum(f => f.Size))}) ready in {layout.DatasetFolder(source.Name)}");
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>Renames the staging folder into place; a set being replaced (--force) is moved aside first and then deleted.</summary>
    void Install(string name, string staging)
    {
        var folder = layout.DatasetFolder(name);
        if (!Directory.Exists(folder))
        {
            Directory.Move(staging, folder);
            return;
        }
        var retired = layout.RetiredFolder(name);
        if (Directory.Exists(retired)) Directory.Delete(retired, recursive: true);
        Directory.Move(folder, retired);
        Directory.Move(staging, folder);
        Directory.Delete(retired, recursive: true);
    }

    FileStream AcquireLock(string name)
    {
        var path = layout.LockPath(name);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex)
        {
            throw new FetchException($"Another data-prep run is working on {name} (it holds {path}); wait for it to finish.", ex);
        }
    }
}
