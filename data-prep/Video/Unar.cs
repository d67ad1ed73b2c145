namespace DataPrep.Video;

/// <summary>
/// Unpacks archives with Debian's unar (The Unarchiver's command-line tool), which reads RAR (the format UCF-101
/// and HMDB51 ship in, RAR 2.9/4 and 5) as well as zip. Contents go straight into the target folder (no extra
/// containing folder); existing files are overwritten, so an interrupted unpack can simply be run again.
/// </summary>
public static class Unar
{
    /// <summary>Unpacks <paramref name="archive"/> into <paramref name="folder"/>; a damaged archive is an error naming it.</summary>
    public static async Task ExtractAsync(string archive, string folder, CancellationToken cancel = default)
    {
        if (!File.Exists(archive)) throw new FileNotFoundException($"archive not found: {archive}", archive);
        Directory.CreateDirectory(folder);
        var result = await ExternalTool.RunAsync("unar", ["-f", "-D", "-nr", "-o", folder, archive],
            TimeSpan.FromHours(2), cancel: cancel);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!result.Succeeded)
            throw new IOException($"{archive}: unar could not unpack it ({result.Reason}; {string.Join(" ", lines.TakeLast(2))})");
        // A RAR whose headers are damaged past the signature unpacks nothing yet exits with 0.
        if (lines.Any(l => l.StartsWith("No files extracted", StringComparison.Ordinal)))
            throw new IOException($"{archive}: unar found no files in it (damaged headers?)");
    }
}
