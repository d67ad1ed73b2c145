using System.Buffers.Binary;
using System.IO.Compression;

namespace DataPrep.Video;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) training images as 28x28 grey sprites for the generated action
/// set, read from the gzip-compressed IDX files Debian's dataset-fashion-mnist package installs.
/// </summary>
public sealed class FashionSprites
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";
    public const int Side = 28;

    readonly byte[] pixels;
    readonly int[][] byCategory;

    FashionSprites(byte[] pixels, byte[] labels)
    {
        this.pixels = pixels;
        byCategory = [.. Enumerable.Range(0, 10).Select(c => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray())];
    }

    /// <summary>Loads train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz from <paramref name="folder"/>.</summary>
    public static FashionSprites Load(string folder = DebianFolder)
    {
        var images = ReadIdx(Path.Combine(folder, "train-images-idx3-ubyte.gz"), 0x0803, [Side, Side]);
        var labels = ReadIdx(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), 0x0801, []);
        if (images.Length / (Side * Side) != labels.Length)
            throw new InvalidDataException($"{folder}: {images.Length / (Side * Side)} images but {labels.Length} labels");
        var bad = Array.FindIndex(labels, l => l > 9);
        if (bad >= 0)
            throw new InvalidDataException($"{folder}/train-labels-idx1-ubyte.gz, offset {8 + bad}: label {labels[bad]} is outside 0..9");
        return new FashionSprites(images, labels);
    }

    /// <summary>How many images category <paramref name="category"/> (0..9) has.</summary>
    public int Count(int category) => byCategory[category].Length;

    /// <summary>Image <paramref name="index"/> of <paramref name="category"/>, 28x28 row-major intensities.</summary>
    public ReadOnlySpan<byte> Image(int category, int index) =>
        pixels.AsSpan(byCategory[category][index] * Side * Side, Side * Side);

    static byte[] ReadIdx(string file, int magic, int[] itemDims)
    {
        if (!File.Exists(file))
            throw new FileNotFoundException($"{file} not found; install Debian's dataset-fashion-mnist or pass the folder holding it", file);
        using var stream = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        try { stream.CopyTo(memory); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{file}: not a valid gzip file ({e.Message})", e); }
        var data = memory.GetBuffer().AsSpan(0, (int)memory.Length);
        var header = 4 + 4 * (1 + itemDims.Length);
        if (data.Length < header) throw new InvalidDataException($"{file}: {data.Length} bytes, shorter than its {header}-byte IDX header");
        var found = BinaryPrimitives.ReadInt32BigEndian(data);
        if (found != magic) throw new InvalidDataException($"{file}, offset 0: IDX magic 0x{found:x8}, expected 0x{magic:x8}");
        var count = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        for (var d = 0; d < itemDims.Length; d++)
        {
            var size = BinaryPrimitives.ReadInt32BigEndian(data[(8 + 4 * d)..]);
            if (size != itemDims[d]) throw new InvalidDataException($"{file}, offset {8 + 4 * d}: dimension {size}, expected {itemDims[d]}");
        }
        long expected = header + (long)count * itemDims.Aggregate(1, (a, b) => a * b);
        if (count < 0 || data.Length != expected)
            throw new InvalidDataException($"{file}: {data.Length} bytes, expected {expected} for {count} items");
        return data[header..].ToArray();
    }
}
