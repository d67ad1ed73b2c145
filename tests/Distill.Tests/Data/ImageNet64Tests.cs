using System.IO.Compression;
using Distill.Data;
using static Distill.Tests.Data.DataFixtures;

namespace Distill.Tests.Data;

/// <summary>Downsampled ImageNet 64x64 npz batches: layout, round trips, and damaged archives and arrays.</summary>
public class ImageNet64Tests
{
    const int Row = 3 * 64 * 64;

    /// <summary>A batch file holding <paramref name="labels"/> (as written, i.e. 1-based) and zero images of <paramref name="row"/> bytes.</summary>
    static void WriteBatch(string path, long[] labels, int row = Row, int images = -1)
    {
        using var npz = new NpzWriter(path);
        int n = images < 0 ? labels.Length : images;
        npz.AddUInt8("data", [n, row], [new byte[n * row]]);
        npz.AddInt64("labels", labels);
    }

    [Fact]
    public void RoundTripsTrainBatchesAndValidation()
    {
        using var tmp = new TempFolder();
        var data = ImageNetSet(train: 23, test: 6);
        ImageNet64.Write(data, tmp.Path);
        var read = ImageNet64.Read(tmp.Path);
        Assert.Equal(1000, read.NumClasses);
        AssertSameSplit(data.Train, read.Train);
        AssertSameSplit(data.Test, read.Test);
    }

    [Fact]
    public void BatchesHoldOneBasedLabelsRowsOfPlanesAndTheirMean()
    {
        using var tmp = new TempFolder();
        var data = ImageNetSet(train: 23, test: 6);
        ImageNet64.Write(data, tmp.Path);
        // 23 images over ten batches at floor(23 b / 10): 2, 2, 2, 3, 2, 2, 3, 2, 2, 3.
        int[] sizes = [2, 2, 2, 3, 2, 2, 3, 2, 2, 3];
        for (int b = 1; b <= 10; b++)
        {
            using var batch = new NpzReader(tmp.File(ImageNet64.TrainFile(b)));
            Assert.Equal(new long[] { sizes[b - 1], Row }, batch.Header("data").Shape);
        }
        using var fourth = new NpzReader(tmp.File(ImageNet64.TrainFile(4)));
        // Batch 4 holds images 6, 7, 8.
        var labels = fourth.ReadInt64("labels", out _);
        Assert.Equal(new[] { 6, 7, 8 }.Select(i => data.Train.Labels[i] + 1), labels);
        var pixels = fourth.ReadUInt8("data", out _);
        Assert.Equal(Pixel(7, 1, 2, 3), pixels[Row + 4096 + 2 * 64 + 3]);
        var mean = fourth.ReadFloat64("mean", out var meanHeader);
        Assert.Equal(new long[] { Row }, meanHeader.Shape);
        int j = 2 * 4096 + 10 * 64 + 20;
        Assert.Equal((Pixel(6, 2, 10, 20) + Pixel(7, 2, 10, 20) + Pixel(8, 2, 10, 20)) / 3.0, mean[j], 12);
        using var val = new NpzReader(tmp.File(ImageNet64.ValFile));
        Assert.False(val.Contains("mean"));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1001L)]
    public void LabelOutsideOneToThousandNamesTheRecord(long bad)
    {
        using var tmp = new TempFolder();
        ImageNet64.Write(ImageNetSet(), tmp.Path);
        var path = tmp.File(ImageNet64.ValFile);
        WriteBatch(path, [5, 1000, bad, 7]);
        var e = Damaged(() => ImageNet64.Read(tmp.Path), path + "/labels.npy");
        Assert.Equal("record 2 (offset 144)", e.Where); // 128-byte header, then 8 bytes per label
        Assert.Equal($"label {bad} is outside 1..1000", e.Problem);
    }

    [Fact]
    public void Int32LabelsAreAccepted()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("batch.npz");
        using (var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("data.npy").Open())
            {
                Npy.WriteHeader(s, NpyType.UInt8, [2, Row]);
                s.Write(new byte[2 * Row]);
            }
            using (var s = zip.CreateEntry("labels.npy").Open())
            {
                Npy.WriteHeader(s, NpyType.Int32, [2]);
                s.Write(BitConverter.GetBytes(1000));
                s.Write(BitConverter.GetBytes(3));
            }
        }
        Assert.Equal(new long[] { 999, 2 }, ImageNet64.ReadBatch(path).Labels);
    }

    [Fact]
    public void DataOfTheWrongWidthIsAnError()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("batch.npz");
        WriteBatch(path, [1, 2, 3, 4], row: 3072);
        var e = Damaged(() => ImageNet64.ReadBatch(path), path + "/data.npy");
        Assert.Equal("shape (4, 3072) is not (N, 12288)", e.Problem);
    }

    [Fact]
    public void LabelCountMustMatchImageCount()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("batch.npz");
        WriteBatch(path, [1, 2, 3], images: 4);
        Assert.Equal("shape (3,) does not match the 4 images of data.npy",
            Damaged(() => ImageNet64.ReadBatch(path), path + "/labels.npy").Problem);
    }

    [Fact]
    public void MissingArrayIsNamed()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("batch.npz");
        using (var npz = new NpzWriter(path)) npz.AddInt64("labels", [1, 2]);
        Assert.Equal("the archive has no array 'data' (it has: labels)", Damaged(() => ImageNet64.ReadBatch(path), path).Problem);
    }

    [Fact]
    public void NonZipEmptyAndTruncatedArchivesAreErrors()
    {
        using var tmp = new TempFolder();
        ImageNet64.Write(ImageNetSet(), tmp.Path);
        var text = tmp.File(ImageNet64.TrainFile(1));
        File.WriteAllText(text, "this is not a zip archive");
        Assert.StartsWith("not a readable zip/npz archive", Damaged(() => ImageNet64.ReadBatch(text), text).Problem);

        var empty = tmp.File(ImageNet64.TrainFile(2));
        File.WriteAllBytes(empty, []);
        Assert.Equal("the file is empty", Damaged(() => ImageNet64.ReadBatch(empty), empty).Problem);

        var cut = tmp.File(ImageNet64.TrainFile(3));
        Truncate(cut, new FileInfo(cut).Length * 2 / 3);
        Damaged(() => ImageNet64.ReadBatch(cut), cut);

        Damaged(() => ImageNet64.Read(tmp.Path), text);
    }

    [Fact]
    public void MemberShorterThanItsHeaderSaysIsAnError()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("batch.npz");
        using (var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("data.npy").Open())
            {
                Npy.WriteHeader(s, NpyType.UInt8, [5, Row]);
                s.Write(new byte[4 * Row]);
            }
            using (var s = zip.CreateEntry("labels.npy").Open()) Npy.Write(s, new long[] { 1, 2, 3, 4, 5 }, [5]);
        }
        var e = Damaged(() => ImageNet64.ReadBatch(path), path + "/data.npy");
        Assert.Equal("offset 10", e.Where);
        Assert.Contains($"needs {5 * Row} data bytes after the 128-byte header, but the array file holds {4 * Row}", e.Problem);
    }

    [Fact]
    public void ClassNamesComeFromTheMapFileWhenPresent()
    {
        using var tmp = new TempFolder();
        ImageNet64.Write(ImageNetSet(), tmp.Path);
        File.WriteAllLines(tmp.File(ImageNet64.ClassMapFile), Enumerable.Range(1, 1000).Select(i => $"n{i:D8} {i} name_{i}"));
        var read = ImageNet64.Read(tmp.Path);
        Assert.Equal("name_1", read.ClassNames[0]);
        Assert.Equal("name_1000", read.ClassNames[999]);

        File.WriteAllLines(tmp.File(ImageNet64.ClassMapFile), ["n01440764 1 tench", "n01443537 two goldfish"]);
        var e = Damaged(() => ImageNet64.Read(tmp.Path), ImageNet64.ClassMapFile);
        Assert.Equal("line 2", e.Where);
    }
}
