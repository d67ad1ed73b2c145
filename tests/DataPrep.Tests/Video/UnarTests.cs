using System.Text;
using DataPrep.Video;

namespace DataPrep.Tests.Video;

public sealed class UnarTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("unar-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task UnpacksAGeneratedRarIntoItsFolders()
    {
        var a = Encoding.ASCII.GetBytes("first video bytes");
        var b = new byte[70_000];
        new Random(3).NextBytes(b);
        var archive = Path.Combine(dir, "clips.rar");
        StoredRar.Write(archive, [("brush_hair/a.avi", a), ("cartwheel/b.avi", b)]);

        await Unar.ExtractAsync(archive, Path.Combine(dir, "out"));

        Assert.Equal(a, File.ReadAllBytes(Path.Combine(dir, "out", "brush_hair", "a.avi")));
        Assert.Equal(b, File.ReadAllBytes(Path.Combine(dir, "out", "cartwheel", "b.avi")));
    }

    [Fact]
    public async Task UnpacksAZip()
    {
        var archive = Path.Combine(dir, "splits.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(archive, System.IO.Compression.ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("ucfTrainTestlist/classInd.txt").Open()))
            writer.Write("1 ApplyEyeMakeup\r\n");
        await Unar.ExtractAsync(archive, Path.Combine(dir, "out"));
        Assert.Equal("1 ApplyEyeMakeup\r\n", File.ReadAllText(Path.Combine(dir, "out", "ucfTrainTestlist", "classInd.txt")));
    }

    [Theory]
    [InlineData("garbage after the signature", "unar found no files in it")]
    [InlineData("cut in the first file", "unar could not unpack it (exit code 1")]
    [InlineData("not an archive", "unar could not unpack it (exit code 1")]
    public async Task ADamagedArchiveIsAnErrorNamingIt(string damage, string problem)
    {
        var archive = Path.Combine(dir, "broken.rar");
        StoredRar.Write(archive, [("a/clip.avi", new byte[5000])]);
        var whole = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, damage switch
        {
            "garbage after the signature" => [.. whole[..7], 1, 2, 3, 4, 5, 6, 7, 8, 9],
            "cut in the first file" => whole[..60],
            _ => "hello"u8.ToArray(),
        });
        var error = await Assert.ThrowsAsync<IOException>(() => Unar.ExtractAsync(archive, Path.Combine(dir, "out")));
        Assert.StartsWith($"{archive}: {problem}", error.Message);
    }
}
