using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Distill.Data;
using Distill.Tests.Data;
using Xunit.Abstractions;

namespace Distill.Tests.Fuzz;

/// <summary>
/// Issue 15's fuzz suite for the image data readers: seeded mutations of small valid IDX, IDX.gz, CIFAR-10/100, npy and
/// npz (stored and deflated) files. Every input ends in success or a <see cref="DataFormatException"/> naming a file
/// of the data set, within <see cref="FuzzRun"/>'s allocation bound. Inputs per format: $DISTILL_FUZZ_INPUTS (300).
/// </summary>
public sealed class DataFuzzTests(ITestOutputHelper output)
{
    static bool NamesAFileOf(Exception e, FuzzTarget target) =>
        e is DataFormatException d && target.Inside(d.FilePath.Contains(".npz/") ? d.FilePath[..(d.FilePath.IndexOf(".npz/") + 4)] : d.FilePath)
        && e.Message.StartsWith(d.FilePath + ": ", StringComparison.Ordinal);

    static readonly Field[] IdxFields = [new(0, 4, true), new(4, 4, true), new(8, 4, true), new(12, 4, true)];

    static byte[] IdxImages()
    {
        var split = DataFixtures.Split(5, 1, 28, 10);
        var path = Path.GetTempFileName();
        Idx.Write(path, [5, 28, 28], [split.Pixels(0, 5).Single()]);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    static byte[] Gzip(byte[] raw)
    {
        var s = new MemoryStream();
        using (var z = new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        return s.ToArray();
    }

    [Fact]
    public void IdxRaw()
    {
        using var target = new FuzzTarget("idx");
        var path = Path.Combine(target.Root, "train-images-idx3-ubyte");
        File.WriteAllBytes(path, IdxImages());
        target.Snapshot();
        var figures = FuzzRun.Run("IDX", FuzzRun.Inputs(), k =>
        {
            var (bytes, kind) = new Mutator(k).Mutate(target.Original(path), IdxFields);
            File.WriteAllBytes(path, bytes);
            return new FuzzRun.Input(kind, bytes.Length);
        }, () => Idx.Read(path, Idx.ImagesMagic), e => NamesAFileOf(e, target), target.Restore, output);
        Assert.InRange(figures.CleanErrors, 1, figures.Inputs - 1);
    }

    /// <summary>The gzip file with its ISIZE trailer set to what the (forged) IDX sizes inside it claim.</summary>
    static byte[] AgreeingTrailer(byte[] gz)
    {
        using var z = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        var head = new byte[16];
        z.ReadExactly(head);
        long count = 1;
        for (int d = 0; d < 3; d++) count = unchecked(count * BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(4 + 4 * d)));
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(gz.Length - 4), unchecked((uint)(16 + count)));
        return gz;
    }

    [Fact]
    public void IdxGzip()
    {
        using var target = new FuzzTarget("idx-gz");
        var path = Path.Combine(target.Root, "train-images-idx3-ubyte.gz");
        var raw = IdxImages();
        File.WriteAllBytes(path, Gzip(raw));
        target.Snapshot();
        var figures = FuzzRun.Run("IDX.gz", FuzzRun.Inputs(), k =>
        {
            var m = new Mutator(k);
            var gz = target.Original(path);
            // The IDX content damaged under valid compression; forged sizes with a trailer forged to agree; or the gzip framing itself.
            var (bytes, kind) = m.Random.Next(3) switch
            {
                0 => (Gzip(m.Mutate(raw, IdxFields).Bytes), "inner"),
                1 => (AgreeingTrailer(Gzip(m.ScaleUp(raw, IdxFields[1 + m.Random.Next(3)]))), "trailer"),
                _ => m.Mutate(gz, [new(2, 2), new(4, 4), new(gz.Length - 8, 4), new(gz.Length - 4, 4)]),
            };
            File.WriteAllBytes(path, bytes);
            return new FuzzRun.Input(kind, (long)DataFiles.MaxDeflateRatio * bytes.Length);
        }, () => Idx.Read(path, Idx.ImagesMagic), e => NamesAFileOf(e, target), target.Restore, output);
        Assert.InRange(figures.CleanErrors, 1, figures.Inputs - 1);
    }

    /// <summary>Mutates one file of a CIFAR folder: label bytes of the record files, lines of the text files.</summary>
    static FuzzRun.Input MutateCifarFile(FuzzTarget target, int k, int recordBytes)
    {
        var m = new Mutator(k);
        var file = target.Files[m.Random.Next(target.Files.Count)];
        var original = target.Original(file);
        var fields = file.EndsWith(".bin")
            ? Enumerable.Range(0, original.Length / recordBytes).Select(r => new Field(r * recordBytes, 2)).ToArray()
            : [];
        var (bytes, kind) = !file.EndsWith(".bin") && m.Random.Next(3) == 0 ? (TextLines(original, m.Random), "lines") : m.Mutate(original, fields);
        File.WriteAllBytes(file, bytes);
        return new FuzzRun.Input(kind, target.TotalBytes - original.Length + bytes.Length);
    }

    /// <summary>A text file with one line repeated, dropped, or given a control character.</summary>
    static byte[] TextLines(byte[] text, Random rng)
    {
        var lines = Encoding.UTF8.GetString(text).Split('\n').ToList();
        int i = rng.Next(lines.Count);
        switch (rng.Next(3))
        {
            case 0: lines.Insert(i, lines[rng.Next(lines.Count)]); break;
            case 1: lines.RemoveAt(i); break;
            default: lines[i] = lines[i].Insert(rng.Next(lines[i].Length + 1), ((char)rng.Next(1, 32)).ToString()); break;
        }
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    [Fact]
    public void Cifar10()
    {
        using var target = new FuzzTarget("cifar10");
        Distill.Data.Cifar10.Write(DataFixtures.Cifar10Set(train: 5, test: 2), target.Root);
        target.Snapshot();
        var figures = FuzzRun.Run("CIFAR-10", FuzzRun.Inputs(), k => MutateCifarFile(target, k, 1 + 3072),
            () => Distill.Data.Cifar10.Read(target.Root), e => NamesAFileOf(e, target), target.Restore, output);
        Assert.InRange(figures.CleanErrors, 1, figures.Inputs - 1);
    }

    [Fact]
    public void Cifar100()
    {
        using var target = new FuzzTarget("cifar100");
        Distill.Data.Cifar100.Write(DataFixtures.Cifar100Set(train: 4, test: 2), target.Root);
        target.Snapshot();
        var figures = FuzzRun.Run("CIFAR-100", FuzzRun.Inputs(), k => MutateCifarFile(target, k, 2 + 3072),
            () => Distill.Data.Cifar100.Read(target.Root), e => NamesAFileOf(e, target), target.Restore, output);
        Assert.InRange(figures.CleanErrors, 1, figures.Inputs - 1);
    }

    /// <summary>Shapes and dtypes a forged .npy header may claim (same-length text is not needed: the header is re-padded).</summary>
    static readonly string[] ForgedShapes = ["(2000000000,)", "(99999999999999999999,)", "(0,)", "(3, 4096, 4096)", "(-1,)", "()", "(1,", "(4611686018427387904, 4)"];
    static readonly string[] ForgedDescr = ["|u1", "<i4", "<i8", "<f4", "<f8", ">i8", "|O", "<U10", ""];

    /// <summary>An npy file whose header text says another shape or dtype (the data left as it was).</summary>
    static byte[] ForgeNpyHeader(byte[] npy, Random rng)
    {
        int length = BitConverter.ToUInt16(npy, 8);
        var text = Encoding.Latin1.GetString(npy, 10, length);
        text = rng.Next(2) == 0
            ? System.Text.RegularExpressions.Regex.Replace(text, @"\(.*\)", ForgedShapes[rng.Next(ForgedShapes.Length)])
            : System.Text.RegularExpressions.Regex.Replace(text, @"'descr': '[^']*'", $"'descr': '{ForgedDescr[rng.Next(ForgedDescr.Length)]}'");
        var header = Encoding.Latin1.GetBytes(text.TrimEnd() + "\n");
        return [.. npy[..8], .. BitConverter.GetBytes((ushort)header.Length), .. header, .. npy[(10 + length)..]];
    }

    static readonly Field[] NpyFields = [new(6, 2), new(8, 2)];

    [Fact]
    public void Npy()
    {
        using var target = new FuzzTarget("npy");
        var path = Path.Combine(target.Root, "labels.npy");
        using (var f = File.Create(path)) Distill.Data.Npy.Write(f, Enumerable.Range(1, 20).Select(i => (long)i).ToArray(), [4, 5]);
        target.Snapshot();
        var figures = FuzzRun.Run("npy", FuzzRun.Inputs(), k =>
        {
            var m = new Mutator(k);
            var (bytes, kind) = m.Random.Next(3) == 0 ? (ForgeNpyHeader(target.Original(path), m.Random), "header") : m.Mutate(target.Original(path), NpyFields);
            File.WriteAllBytes(path, bytes);
            return new FuzzRun.Input(kind, bytes.Length);
        }, () => ReadNpy(path), e => NamesAFileOf(e, target), target.Restore, output);
        Assert.InRange(figures.CleanErrors, 1, figures.Inputs - 1);
    }

    static void ReadNpy(string path)
    {
        using var f = File.OpenRead(path);
        var header = Distill.Data.Npy.ReadHeader(f, f.Length, path);
        _ = header.Type switch
        {
            NpyType.UInt8 => Distill.Data.Npy.ReadUInt8(f, header, path).Length,
            NpyType.Int32 or NpyType.Int64 => Distill.Data.Npy.ReadInt64(f, header, path).Length,
            _ => Distill.Data.Npy.ReadFloat64(f, header, path).Length,
        };
    }

    /// <summary>The members of a small ImageNet 64x64 train batch: 2 images, labels 1-based, the mean row.</summary>
    static (string Name, byte[] Npy)[] ImageNetMembers()
    {
        var data = new MemoryStream();
        Distill.Data.Npy.WriteHeader(data, NpyType.UInt8, [2, 12288]);
        data.Write(DataFixtures.Split(2, 3, 64, 1000).Pixels(0, 2).Single().Span);
        var labels = new MemoryStream();
        Distill.Data.Npy.Write(labels, [7L, 1000L], [2]);
        var mean = new MemoryStream();
        Distill.Data.Npy.Write(mean, Enumerable.Range(0, 12288).Select(i => i % 251 / 2.0).ToArray(), [12288]);
        return [("data.npy", data.ToArray()), ("labels.npy", labels.ToArray()), ("mean.npy", mean.ToArray())];
    }

    static byte[] Zip((string Name, byte[] Npy)[] members, CompressionLevel level)
    {
        var s = new MemoryStream();
        using (var zip = new ZipArchive(s, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, npy) in members)
                using (var e = zip.CreateEntry(name, level).Open()) e.Write(npy);
        return s.ToArray();
    }

    /// <summary>
    /// One mutated npz: the zip's own fields forged or its bytes damaged, a member's .npy header forged inside a valid
    /// zip, or a member declaring a forged zip64 size.
    /// </summary>
    static (byte[] Bytes, string Kind) MutateNpz(byte[] zip, (string Name, byte[] Npy)[] members, CompressionLevel level, Mutator m)
    {
        switch (m.Random.Next(4))
        {
            case 0:
                int i = m.Random.Next(members.Length);
                var forged = members.Select((x, j) => j == i ? (x.Name, ForgeNpyHeader(x.Npy, m.Random)) : x).ToArray();
                return (Zip(forged, level), "member-header");
            case 1 when level == CompressionLevel.NoCompression:
                int z = m.Random.Next(members.Length);
                long declared = members[z].Npy.Length + m.Random.NextInt64(1, 1L << 40);
                return (ZipBytes.Build(members.Select((x, j) => new ZipBytes.Member(x.Name, x.Npy, j == z ? declared : null)).ToArray()), "zip64-size");
            default:
                return m.Mutate(zip, Mutator.ZipFields(zip));
        }
    }

    void FuzzNpz(string format, CompressionLevel level)
    {
        using var target = new FuzzTarget(format);
        var path = Path.Combine(target.Root, "train_data_batch_1.npz");
        var members = ImageNetMembers();
        File.WriteAllBytes(path, Zip(members, level));
        target.Snapshot();
        long ratio = level == CompressionLevel.NoCompression ? 1 : DataFiles.MaxDeflateRatio;
        var figures = FuzzRun.Run(format, FuzzRun.Inputs(), k =>
        {
            var (bytes, kind) = MutateNpz(target.Original(path), members, level, new Mutator(k));
            File.WriteAllBytes(path, bytes);
            return new FuzzRun.Input(kind, ratio * bytes.Length);
        }, () => ImageNet64.ReadBatch(path), e => NamesAFileOf(e, target), target.Restore, output);
        Assert.InRange(figures.CleanErrors, 1, figures.Inputs - 1);
    }

    [Fact]
    public void NpzStored() => FuzzNpz("npz", CompressionLevel.NoCompression);

    [Fact]
    public void NpzDeflated() => FuzzNpz("npz-deflated", CompressionLevel.Optimal);
}
