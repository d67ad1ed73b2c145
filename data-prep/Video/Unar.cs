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
        var result = await ExternalTool.RunAsync("unar", ["-q", "-f", "-D", "-nr", "-o", folder, archive],
            TimeSpan.FromHours(2), cancel: cancel);
        if (!result.Succeeded)
            throw new IOException($"{archive}: unar could not unpack it ({result.Reason}{FirstLine(result.StdOut)})");
    }

    static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } l
            ? $"; {l}" : "";
}
