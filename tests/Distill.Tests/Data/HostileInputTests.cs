using System.Buffers.Binary;
using System.IO.Compression;
using Distill.Data;
using static Distill.Tests.Data.DataFixtures;

namespace Distill.Tests.Data;

/// <summary>
/// The minimal inputs of issue 15's findings 1, 2, 4 and 5 (npz, IDX, CIFAR): each must end in a
/// <see cref="DataFormatException"/> naming the file, without allocating for sizes the file cannot back.
/// </summary>
public class HostileInputTests
{
    /// <summary>An int64 label array's .npy bytes: header for <paramref name="shapeCount"/> elements, then <paramref name="values"/>.</summary>
    static byte[] LabelsNpy(long shapeCount, params long[] values)
    {
        var s = new MemoryStream();
        Npy.WriteHeader(s, NpyType.Int64, [shapeCount]);
        foreach (var v in values) s.Write(BitConverter.GetBytes(v));
        return s.ToArray();
    }

    [Fact]
    public void Finding1_CentralDirectoryCountOfThreeForTwoMembersNamesTheArchive()
    {
        using var tmp = new TempFolder();
        var bytes = ZipBytes.Build(new ZipBytes.Member("data.npy", LabelsNpy(1, 5)), new ZipBytes.Member("labels.npy", LabelsNpy(1, 7)));
        int end = ZipBytes.EndOfCentralDirectory(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 8), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 10), 3);
        var path = tmp.File("count.npz");
        File.WriteAllBytes(path, bytes);
        var e = Damaged(() => new NpzReader(path).ReadInt64("labels", out _), path);
        Assert.Contains("not a readable zip/npz archive", e.Problem);
    }

    [Fact]
    public void Finding2_Zip64SizeDeclaringTwoBillionLabelsFailsWithoutAllocatingThem()
    {
        using var tmp = new TempFolder();
        const long count = 2_000_000_000;
        var npy = LabelsNpy(count);
        var path = tmp.File("zip64.npz");
        File.WriteAllBytes(path, ZipBytes.Build(new ZipBytes.Member("labels.npy", npy, DeclaredZip64Size: npy.Length + 8 * count)));
        Assert.InRange(new FileInfo(path).Length, 200, 600);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Damaged(() => new NpzReader(path).ReadInt64("labels", out _), path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains($"declares {npy.Length + 8 * count} bytes uncompressed from {npy.Length} compressed bytes", e.Problem);
        Assert.InRange(allocated, 0, 1 << 20);
    }

    [Fact]
    public void Finding2_GzipTrailerForgedForTwoMillionImagesFailsWithoutAllocatingThem()
    {
        using var tmp = new TempFolder();
        const int images = 2_550_000;
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, Idx.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), images);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(header);
            z.Write(new byte[784]); // one blank image, so the sizes are read before the stream's end is reached
        }
        var bytes = gz.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), (uint)(16L + images * 784L)); // the forged ISIZE
        var path = tmp.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Damaged(() => Idx.Read(path, Idx.ImagesMagic), path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains($"need {16L + images * 784L} bytes, more than a {bytes.Length}-byte gzip file can inflate to", e.Problem);
        Assert.InRange(allocated, 0, 1 << 20);
    }

    [Fact]
    public void Finding4_OneFlippedPixelByteInAStoredMemberFailsItsCrc()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("batch.npz");
        using (var npz = new NpzWriter(path)) npz.AddUInt8("data", [2, 4], [new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }]);
        var bytes = File.ReadAllBytes(path);
        int pixel = bytes.AsSpan().IndexOf(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        bytes[pixel + 3] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        using var reader = new NpzReader(path);
        var e = Damaged(() => reader.ReadUInt8("data", out _), path);
        Assert.Equal(path + "/data.npy", e.FilePath);
        Assert.StartsWith("the data is damaged: its CRC-32 is ", e.Problem);
    }

    [Fact]
    public void Finding4_TwoMembersOfTheSameNameAreRefused()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("twice.npz");
        File.WriteAllBytes(path, ZipBytes.Build(new ZipBytes.Member("labels.npy", LabelsNpy(1, 5)), new ZipBytes.Member("labels.npy", LabelsNpy(1, 6))));
        var e = Damaged(() => new NpzReader(path), path);
        Assert.Equal("the archive holds two members named 'labels.npy'", e.Problem);
    }

    [Theory]
    [InlineData(+1)]
    [InlineData(-1)]
    public void Finding5_ACifarFileWithARecordAddedOrRemovedIsRefused(int change)
    {
        using var tmp = new TempFolder();
        Cifar10.Write(Cifar10Set(train: 25, test: 7), tmp.Path);
        var path = tmp.File(Cifar10.TestFile);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, change > 0 ? [.. bytes, .. bytes[..3073]] : bytes[..^3073]);
        var e = Damaged(() => Cifar10.Read(tmp.Path), path);
        Assert.StartsWith($"the file holds {7 + change} records where 7 are expected", e.Problem);
    }

    [Fact]
    public void Finding5_WithoutADeclarationTheOfficialRecordCountsApply()
    {
        using var tmp = new TempFolder();
        Cifar100.Write(Cifar100Set(train: 30, test: 9), tmp.Path);
        File.Delete(tmp.File("record-counts.txt"));
        var e = Damaged(() => Cifar100.Read(tmp.Path), tmp.File(Cifar100.TrainFile));
        Assert.StartsWith("the file holds 30 records where 50000 are expected", e.Problem);
    }

    [Theory]
    [InlineData("class 3", "line 5", "class name 'class 3' already appears on line 4")]
    [InlineData("class\u0007bell", "line 5", "class name 'class\\u0007bell' holds control characters")]
    public void Finding5_DuplicateOrControlCharacterClassNamesAreRefused(string fifth, string where, string problem)
    {
        using var tmp = new TempFolder();
        Cifar10.Write(Cifar10Set(), tmp.Path);
        var path = tmp.File(Cifar10.MetaFile);
        var names = Names(10);
        names[4] = fifth;
        File.WriteAllLines(path, names);
        var e = Damaged(() => Cifar10.Read(tmp.Path), path);
        Assert.Equal((where, problem), (e.Where, e.Problem));
    }
}
