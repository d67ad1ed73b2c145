using Distill.Data;
using static Distill.Tests.Data.DataFixtures;

namespace Distill.Tests.Data;

/// <summary>CIFAR-10 and CIFAR-100 binary versions: exact record layout, round trips, and every kind of damage.</summary>
public class CifarTests
{
    const int Record10 = 1 + 3072, Record100 = 2 + 3072;

    [Fact]
    public void Cifar10RoundTripsThroughTheOfficialLayout()
    {
        using var tmp = new TempFolder();
        var data = Cifar10Set(train: 25, test: 7);
        Cifar10.Write(data, Path.Combine(tmp.Path, Cifar10.ArchiveFolder));
        var read = Cifar10.Read(tmp.Path); // finds the cifar-10-batches-bin sub-folder
        Assert.Equal(data.ClassNames, read.ClassNames);
        AssertSameSplit(data.Train, read.Train);
        AssertSameSplit(data.Test, read.Test);
        // Reading the archive folder itself works too.
        Assert.Equal(25, Cifar10.Read(Path.Combine(tmp.Path, Cifar10.ArchiveFolder)).Train.Count);
    }

    [Fact]
    public void Cifar10RecordsAreLabelThenRedGreenBluePlanes()
    {
        using var tmp = new TempFolder();
        var data = Cifar10Set(train: 25, test: 7);
        Cifar10.Write(data, tmp.Path);
        // 25 train images over 5 batch files: 5 records each.
        for (int b = 1; b <= 5; b++) Assert.Equal(5L * Record10, new FileInfo(tmp.File(Cifar10.TrainFile(b))).Length);
        var bytes = File.ReadAllBytes(tmp.File(Cifar10.TrainFile(2)));
        // Second record of batch 2 is image 6: label (6*7+3)%10 = 5, then R(0,0), R(0,1) ... G(0,0) at 1+1024.
        int at = Record10;
        Assert.Equal(5, bytes[at]);
        Assert.Equal(Pixel(6, 0, 0, 0), bytes[at + 1]);
        Assert.Equal(Pixel(6, 0, 0, 1), bytes[at + 2]);
        Assert.Equal(Pixel(6, 0, 1, 0), bytes[at + 1 + 32]);
        Assert.Equal(Pixel(6, 1, 0, 0), bytes[at + 1 + 1024]);
        Assert.Equal(Pixel(6, 2, 31, 31), bytes[at + 3072]);
    }

    [Fact]
    public void Cifar100RoundTripsCoarseAndFineLabels()
    {
        using var tmp = new TempFolder();
        var data = Cifar100Set(train: 30, test: 9);
        Cifar100.Write(data, Path.Combine(tmp.Path, Cifar100.ArchiveFolder));
        var read = Cifar100.Read(tmp.Path);
        Assert.Equal(data.ClassNames, read.ClassNames);
        Assert.Equal(data.CoarseClassNames, read.CoarseClassNames);
        AssertSameSplit(data.Train, read.Train);
        AssertSameSplit(data.Test, read.Test);
        var bytes = File.ReadAllBytes(Path.Combine(tmp.Path, Cifar100.ArchiveFolder, Cifar100.TrainFile));
        Assert.Equal(30L * Record100, bytes.Length);
        // Record 3: fine label (3*7+3)%100 = 24, coarse 24%20 = 4; coarse byte first.
        Assert.Equal(4, bytes[3 * Record100]);
        Assert.Equal(24, bytes[3 * Record100 + 1]);
        Assert.Equal(Pixel(3, 0, 0, 0), bytes[3 * Record100 + 2]);
    }

    [Fact]
    public void TruncatedBatchNamesTheCutRecord()
    {
        using var tmp = new TempFolder();
        Cifar10.Write(Cifar10Set(), tmp.Path);
        var path = tmp.File(Cifar10.TrainFile(3));
        Truncate(path, 2 * Record10 + 100);
        var e = Damaged(() => Cifar10.Read(tmp.Path), path);
        Assert.Equal($"record 2 (offset {2 * Record10})", e.Where);
        Assert.Contains("cut short after 100 bytes", e.Problem);
    }

    [Fact]
    public void LabelOutOfRangeNamesRecordAndOffset()
    {
        using var tmp = new TempFolder();
        Cifar10.Write(Cifar10Set(), tmp.Path);
        var path = tmp.File(Cifar10.TrainFile(2));
        Poke(path, Record10, 10);
        var e = Damaged(() => Cifar10.Read(tmp.Path), path);
        Assert.Equal($"record 1 (offset {Record10})", e.Where);
        Assert.Equal("label 10 is outside 0..9", e.Problem);
    }

    [Theory]
    [InlineData(0, 20, "coarse label 20 is outside 0..19")]
    [InlineData(1, 100, "label 100 is outside 0..99")]
    public void Cifar100BadCoarseOrFineLabel(int byteInRecord, byte value, string problem)
    {
        using var tmp = new TempFolder();
        Cifar100.Write(Cifar100Set(), tmp.Path);
        var path = tmp.File(Cifar100.TestFile);
        Poke(path, 4 * Record100 + byteInRecord, value);
        var e = Damaged(() => Cifar100.Read(tmp.Path), path);
        Assert.Equal($"record 4 (offset {4 * Record100 + byteInRecord})", e.Where);
        Assert.Equal(problem, e.Problem);
    }

    [Fact]
    public void EmptyFileIsAnError()
    {
        using var tmp = new TempFolder();
        Cifar10.Write(Cifar10Set(), tmp.Path);
        var path = tmp.File(Cifar10.TestFile);
        Truncate(path, 0);
        Assert.Equal("the file is empty", Damaged(() => Cifar10.Read(tmp.Path), path).Problem);
    }

    [Fact]
    public void GarbledFileIsAnErrorNotACrash()
    {
        using var tmp = new TempFolder();
        Cifar100.Write(Cifar100Set(), tmp.Path);
        var path = tmp.File(Cifar100.TrainFile);
        var noise = new byte[30 * Record100]; // the 30 records record-counts.txt declares
        new Random(5).NextBytes(noise);
        noise[0] = 200; // make sure the very first coarse label is impossible
        File.WriteAllBytes(path, noise);
        var e = Damaged(() => Cifar100.Read(tmp.Path), path);
        Assert.StartsWith("record 0 (offset ", e.Where);
    }

    [Fact]
    public void WrongNumberOfClassNamesIsAnError()
    {
        using var tmp = new TempFolder();
        Cifar10.Write(Cifar10Set(), tmp.Path);
        var path = tmp.File(Cifar10.MetaFile);
        File.WriteAllLines(path, Names(9));
        Assert.Equal("expected 10 class names (one per line), found 9", Damaged(() => Cifar10.Read(tmp.Path), path).Problem);
    }

    [Fact]
    public void MissingBatchSaysHowToGetTheData()
    {
        using var tmp = new TempFolder();
        Cifar10.Write(Cifar10Set(), tmp.Path);
        File.Delete(tmp.File(Cifar10.TrainFile(4)));
        var e = Assert.Throws<DatasetNotFoundException>(() => Cifar10.Read(tmp.Path));
        Assert.Contains(Cifar10.TrainFile(4), e.Message);
        Assert.Contains("data-prep fetch cifar10", e.Message);
    }

    [Fact]
    public void WriterRejectsImagesOfTheWrongShape()
    {
        using var tmp = new TempFolder();
        var wrong = new ImageDataset(Cifar10.Name, Names(10), Split(5, 1, 28, 10), Split(2, 1, 28, 10));
        Assert.Throws<ArgumentException>(() => Cifar10.Write(wrong, tmp.Path));
    }
}
