using System.Security.Cryptography;

namespace DataPrep.Video;

/// <summary>
/// The download step of video preparation, kept deliberately small: one HTTP GET per archive into
/// "file.partial", renamed when complete; a file already present is kept. When a reference MD5 is known the file
/// is checked against it. To be replaced by data-prep's general resumable downloader once that is shared.
/// </summary>
public static class ArchiveDownload
{
    /// <summary>Fetches <paramref name="url"/> to <paramref name="destination"/> unless it is already there.</summary>
    /// <returns>True when it downloaded, false when the file was already present.</returns>
    public static async Task<bool> FetchAsync(HttpClient http, Uri url, string destination, string? md5,
        CancellationToken cancel = default)
    {
        var downloaded = false;
        if (!File.Exists(destination))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
            var partial = destination + ".partial";
            using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel))
            {
                if (!response.IsSuccessStatusCode)
                    throw new IOException($"{url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
                await using var body = await response.Content.ReadAsStreamAsync(cancel);
                await using (var file = File.Create(partial)) await body.CopyToAsync(file, cancel);
                var expected = response.Content.Headers.ContentLength;
                if (expected is { } n && new FileInfo(partial).Length != n)
                    throw new IOException($"{url}: received {new FileInfo(partial).Length} of {n} bytes");
            }
            File.Move(partial, destination, overwrite: true);
            downloaded = true;
        }
        if (md5 is not null)
        {
            await using var stream = File.OpenRead(destination);
            var actual = Convert.ToHexStringLower(await MD5.HashDataAsync(stream, cancel));
            if (!actual.Equals(md5, StringComparison.OrdinalIgnoreCase))
                throw new IOException($"{destination}: MD5 {actual} does not match the expected {md5}; delete it to download again");
        }
        return downloaded;
    }
}
