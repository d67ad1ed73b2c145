using DataPrep.Tests.Fetch;
using System.Security.Cryptography;
using DataPrep.Video;

namespace DataPrep.Tests.Video;

public sealed class ArchiveDownloadTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("download-").FullName;
    readonly HttpClient http = new();

    public void Dispose()
    {
        http.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Serves a 100,003-byte random "UCF101.rar" from 127.0.0.1.</summary>
    LoopbackHttpServer Serve(out byte[] bytes, out string md5)
    {
        Directory.CreateDirectory(Path.Combine(dir, "server"));
        bytes = new byte[100_003];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(dir, "server", "UCF101.rar"), bytes);
        md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
        return LoopbackHttpServer.ForFolder(Path.Combine(dir, "server"));
    }

    [Fact]
    public async Task DownloadsOnceAndChecksTheMd5()
    {
        await using var web = Serve(out var bytes, out var md5);
        var target = Path.Combine(dir, "downloads", "UCF101.rar");
        Assert.True(await ArchiveDownload.FetchAsync(http, new Uri(web.BaseUrl, "UCF101.rar"), target, md5.ToUpperInvariant()));
        Assert.Equal(bytes, File.ReadAllBytes(target));
        Assert.False(File.Exists(target + ".partial"));
        Assert.False(await ArchiveDownload.FetchAsync(http, new Uri(web.BaseUrl, "UCF101.rar"), target, md5));
        Assert.Single(web.Requests);
    }

    [Fact]
    public async Task AWrongMd5IsAnErrorNamingTheFileAndBothDigests()
    {
        await using var web = Serve(out _, out var md5);
        var target = Path.Combine(dir, "downloads", "UCF101.rar");
        var wrong = new string('0', 32);
        var error = await Assert.ThrowsAsync<IOException>(() =>
            ArchiveDownload.FetchAsync(http, new Uri(web.BaseUrl, "UCF101.rar"), target, wrong));
        Assert.Equal($"{target}: MD5 {md5} does not match the expected {wrong}; delete it to download again", error.Message);
    }
}
