using Distill.Data.Video;

namespace Distill.Tests.Video;

/// <summary>Truncated, fuzzed and missing files give errors naming the file, never a native crash.</summary>
public sealed class DamagedFileTests(SyntheticVideoFixture video) : IClassFixture<SyntheticVideoFixture>
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void TruncatedFilesFailWithAnErrorNamingTheFile(double fraction)
    {
        var bytes = File.ReadAllBytes(video.Path);
        AssertTruncationFails(bytes[..(int)(bytes.Length * fraction)], $"truncated-{fraction}.avi");
    }

    [Fact]
    public void ALastFrameCutShortFailsButACutIndexAloneDoesNot()
    {
        var bytes = File.ReadAllBytes(video.Path);
        int index = IndexOf(bytes, "idx1"u8);
        Assert.True(index > bytes.Length / 2, "the AVI index chunk follows the frames");
        AssertTruncationFails(bytes[..(index - 40)], "last-frame-cut.avi");

        // Every frame is intact when only the trailing index is missing: the file still reads completely.
        var path = Path.Combine(video.Folder, "index-cut.avi");
        File.WriteAllBytes(path, bytes[..index]);
        Assert.Equal(24, GopReader.Read(path).Sum(g => g.Length));
    }

    void AssertTruncationFails(byte[] bytes, string name)
    {
        var path = Path.Combine(video.Folder, name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<VideoDecodeException>(() => GopReader.Read(path, accumulate: true).ToList());
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message);
    }

    static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().LastIndexOf(needle);

    [Fact]
    public void FuzzedFilesEitherDecodeOrFailWithAnErrorNamingTheFile()
    {
        var original = File.ReadAllBytes(video.Path);
        var rng = new Random(1234);
        int failures = 0;
        const int cases = 40;
        for (int k = 0; k < cases; k++)
        {
            var bytes = (byte[])original.Clone();
            int flips = 1 + rng.Next(16);
            for (int i = 0; i < flips; i++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 + rng.Next(255));
            var path = Path.Combine(video.Folder, $"fuzz-{k}.avi");
            File.WriteAllBytes(path, bytes);
            try
            {
                foreach (var gop in GopReader.Read(path, accumulate: true)) Assert.True(gop.Length >= 1);
            }
            catch (VideoDecodeException e)
            {
                Assert.Equal(path, e.Path);
                Assert.False(string.IsNullOrWhiteSpace(e.Detail));
                failures++;
            }
        }
        Assert.InRange(failures, 1, cases);
    }

    [Fact]
    public void RandomBytesAndMissingFilesNameTheFile()
    {
        var noise = Path.Combine(video.Folder, "noise.avi");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(noise, bytes);
        var e = Assert.Throws<VideoDecodeException>(() => new CompressedVideoReader(noise));
        Assert.Contains(noise, e.Message);

        var missing = Path.Combine(video.Folder, "missing.avi");
        Assert.Contains(missing, Assert.Throws<VideoDecodeException>(() => GopReader.Index(missing)).Message);
    }

    [Fact]
    public void ScanKeepsGoodFilesAndCountsBadOnes()
    {
        var bytes = File.ReadAllBytes(video.Path);
        var truncated = Path.Combine(video.Folder, "scan-truncated.avi");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var missing = Path.Combine(video.Folder, "scan-missing.avi");
        var result = VideoScan.Run([video.Path, truncated, missing]);
        Assert.Equal([video.Path], result.Good.Select(g => g.Path));
        Assert.Equal([truncated, missing], result.Failed.Select(f => f.Path));
        Assert.Equal(24, result.Good[0].FrameCount);
        Assert.Equal("1 videos readable, 2 skipped", result.ToString());
    }
}
