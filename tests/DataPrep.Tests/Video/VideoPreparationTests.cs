using DataPrep.Tests.Fetch;
using System.IO.Compression;
using System.Text;
using DataPrep.Video;

namespace DataPrep.Tests.Video;

/// <summary>End to end on generated archives served from 127.0.0.1, in the official packaging of each data set.</summary>
public sealed class VideoPreparationTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("videoprep-").FullName;
    readonly Reencoder reencoder = new(new Mpeg4Encoding(64, 48), workers: 2, TimeSpan.FromMinutes(1));

    public void Dispose() => Directory.Delete(dir, recursive: true);

    async Task<byte[]> ClipAsync(string name) =>
        await File.ReadAllBytesAsync(await TestVideos.MjpegAviAsync(Path.Combine(dir, "clips", name), frames: 13, 80, 60));

    [Fact]
    public async Task Hmdb51FromNestedRarsToMpeg4WithSplitsAndResume()
    {
        // hmdb51_org.rar holds one RAR per class; test_train_splits.rar holds testTrainMulti_7030_splits/.
        var server = Path.Combine(dir, "server");
        Directory.CreateDirectory(server);
        var clip = await ClipAsync("c.avi");
        StoredRar.Write(Path.Combine(dir, "clips", "wave.rar"), [("wave/w1.avi", clip), ("wave/w2.avi", clip), ("wave/w3.avi", Encoding.ASCII.GetBytes("not a video"))]);
        StoredRar.Write(Path.Combine(dir, "clips", "jump.rar"), [("jump/j1.avi", clip), ("jump/j2.avi", clip)]);
        StoredRar.Write(Path.Combine(server, "hmdb51_org.rar"),
            [("wave.rar", File.ReadAllBytes(Path.Combine(dir, "clips", "wave.rar"))), ("jump.rar", File.ReadAllBytes(Path.Combine(dir, "clips", "jump.rar")))]);
        var splitFiles = new[] { 1, 2, 3 }.SelectMany(k => new[]
        {
            ($"testTrainMulti_7030_splits/wave_test_split{k}.txt", Encoding.ASCII.GetBytes($"w1.avi {(k == 1 ? 2 : 1)} \nw2.avi 1 \nw3.avi 1 \n")),
            ($"testTrainMulti_7030_splits/jump_test_split{k}.txt", Encoding.ASCII.GetBytes("j1.avi 1 \nj2.avi 2 \n")),
        });
        StoredRar.Write(Path.Combine(server, "test_train_splits.rar"), splitFiles);

        using var http = new HttpClient();
        await using var web = LoopbackHttpServer.ForFolder(server);
        var dataset = VideoDatasets.Hmdb51.At(web.BaseUrl);
        var prepared = await new VideoPreparation(http, reencoder, TextWriter.Null).RunAsync(dataset, Path.Combine(dir, "data"));

        var home = Path.Combine(dir, "data", "hmdb51");
        Assert.Equal((4, 0), (prepared.Reencode.Encoded, prepared.Reencode.AlreadyDone));
        Assert.Equal(Path.Combine(home, "raw", "videos", "wave", "w3.avi"), Assert.Single(prepared.Reencode.Failures).Job.Source);
        Assert.Equal(3, prepared.DroppedFromSplits);   // w3 was a training video in all three splits
        Assert.Equal(new VideoStreamInfo("mpeg4", 64, 48, 13), await VideoProbe.TryReadAsync(Path.Combine(home, "mpeg4_videos", "wave", "w1.mp4")));

        var splits = UcfSplits.ReadAll(Path.Combine(home, "splits"));
        Assert.Equal(["jump", "wave"], splits[0].Classes);
        Assert.Equal([("jump/j1.mp4", 0), ("wave/w2.mp4", 1)], splits[0].Train.Select(v => (v.Path, v.Label)));
        Assert.Equal([("jump/j2.mp4", 0), ("wave/w1.mp4", 1)], splits[0].Test.Select(v => (v.Path, v.Label)));
        Assert.Equal(["jump/j1.mp4", "wave/w1.mp4", "wave/w2.mp4"], splits[1].Train.Select(v => v.Path));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(home, "reencode-failures.tsv")).Length);

        // Run again: nothing downloaded or re-encoded.
        var requests = web.Requests.Count;
        var again = await new VideoPreparation(http, reencoder, TextWriter.Null).RunAsync(dataset, Path.Combine(dir, "data"));
        Assert.Equal((0, 4, 1), (again.Reencode.Encoded, again.Reencode.AlreadyDone, again.Reencode.Failures.Count));
        Assert.Equal(requests, web.Requests.Count);
    }

    [Fact]
    public async Task Ucf101FromRarAndSplitZip()
    {
        var server = Path.Combine(dir, "server");
        Directory.CreateDirectory(server);
        var clip = await ClipAsync("u.avi");
        StoredRar.Write(Path.Combine(server, "UCF101.rar"),
            [("UCF-101/Archery/v_Archery_g01_c01.avi", clip), ("UCF-101/Bowling/v_Bowling_g01_c01.avi", clip)]);
        using (var zip = ZipFile.Open(Path.Combine(server, "UCF101TrainTestSplits-RecognitionTask.zip"), ZipArchiveMode.Create))
        {
            void Entry(string name, string text)
            {
                using var writer = new StreamWriter(zip.CreateEntry($"ucfTrainTestlist/{name}").Open());
                writer.Write(text);
            }
            Entry("classInd.txt", "1 Archery\r\n2 Bowling\r\n");
            foreach (var k in new[] { 1, 2, 3 })
            {
                Entry($"trainlist0{k}.txt", "Archery/v_Archery_g01_c01.avi 1\r\n");
                Entry($"testlist0{k}.txt", "Bowling/v_Bowling_g01_c01.avi\r\n");
            }
        }

        using var http = new HttpClient();
        await using var web = LoopbackHttpServer.ForFolder(server);
        var prepared = await new VideoPreparation(http, reencoder, TextWriter.Null)
            .RunAsync(VideoDatasets.Ucf101.At(web.BaseUrl), Path.Combine(dir, "data"));

        Assert.Equal((2, 0, 0), (prepared.Reencode.Encoded, prepared.Reencode.AlreadyDone, prepared.Reencode.Failures.Count));
        var split = UcfSplits.Read(prepared.SplitFolder, 2);
        Assert.Equal([new LabeledVideo("Bowling/v_Bowling_g01_c01.mp4", 1)], split.Test);
        Assert.Equal(TestVideos.Gop12Pattern(13),
            await TestVideos.PictureTypesAsync(Path.Combine(prepared.VideoFolder, "Bowling", "v_Bowling_g01_c01.mp4")));
    }

    [Fact]
    public async Task AMissingArchiveOnTheServerIsAClearError()
    {
        Directory.CreateDirectory(Path.Combine(dir, "server"));
        using var http = new HttpClient();
        await using var web = LoopbackHttpServer.ForFolder(Path.Combine(dir, "server"));
        var error = await Assert.ThrowsAsync<IOException>(() => new VideoPreparation(http, reencoder, TextWriter.Null)
            .RunAsync(VideoDatasets.Ucf101.At(web.BaseUrl), Path.Combine(dir, "data")));
        Assert.Equal($"{web.BaseUrl}UCF101.rar: the server answered 404 Not Found", error.Message);
        Assert.False(File.Exists(Path.Combine(dir, "data", "ucf101", "downloads", "UCF101.rar")));
    }
}
