using System.Buffers.Binary;
using System.IO.Compression;

namespace Distill.Data.Detection;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017) articles as 28x28 grey-level cut-outs with their class, read from the gzipped IDX
/// files ({train,t10k}-{images-idx3,labels-idx1}-ubyte.gz) — the objects the generated detection scenes are made of.
/// </summary>
public sealed class FashionMnistItems
{
    /// <summary>The ten Fashion-MNIST classes, named as VOC class names (lower case, no spaces), in label order.</summary>
    public static readonly IReadOnlyList<string> Classes =
        ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot"];

    /// <summary>Where the Debian package dataset-fashion-mnist (environment/setup.sh) installs the files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    public const int Side = 28;

    FashionMnistItems(byte[] pixels, byte[] labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Row-major grey levels, <see cref="Side"/>² bytes per item (0 = background).</summary>
    public byte[] Pixels { get; }
    public byte[] Labels { get; }
    public int Count => Labels.Length;

    public ReadOnlySpan<byte> Item(int index) => Pixels.AsSpan(index * Side * Side, Side * Side);

    /// <summary>Reads the first <paramref name="limit"/> items (all when null) of the train or test (t10k) split.</summary>
    public static FashionMnistItems Load(string folder, bool train, int? limit = null)
    {
        var prefix = train ? "train" : "t10k";
        var imagePath = Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz");
        var labelPath = Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz");
        var (imageCount, images) = Read(imagePath, 0x803, [Side, Side], limit);
        var (labelCount, labels) = Read(labelPath, 0x801, [], limit);
        if (imageCount != labelCount)
            throw new InvalidDataException($"{imagePath} holds {imageCount} images but {labelPath} holds {labelCount} labels.");
        int bad = Array.FindIndex(labels, l => l >= Classes.Count);
        if (bad >= 0) throw new InvalidDataException($"{labelPath}: label {labels[bad]} of item {bad} (byte offset {8 + bad}) is not in 0..9.");
        return new FashionMnistItems(images, labels);
    }

    /// <summary>Header count and the payload of the first min(count, limit) records of an IDX file of unsigned bytes.</summary>
    static (int Count, byte[] Data) Read(string path, int magic, int[] recordShape, int? limit)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Fashion-MNIST file {path} does not exist (apt-get install dataset-fashion-mnist, or pass its folder).", path);
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = new byte[4 * (2 + recordShape.Length)];
        ReadExactly(stream, header, path, 0);
        int found = BinaryPrimitives.ReadInt32BigEndian(header);
        if (found != magic) throw new InvalidDataException($"{path}: IDX magic 0x{found:x8} at byte 0, expected 0x{magic:x8}.");
        int count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        for (int d = 0; d < recordShape.Length; d++)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8 + 4 * d));
            if (size != recordShape[d]) throw new InvalidDataException($"{path}: dimension {d + 1} is {size} at byte {8 + 4 * d}, expected {recordShape[d]}.");
        }
        int recordBytes = recordShape.Aggregate(1, (a, b) => a * b);
        var data = new byte[(long)Math.Min(count, limit ?? count) * recordBytes];
        ReadExactly(stream, data, path, header.Length);
        return (count, data);
    }

    static void ReadExactly(Stream stream, byte[] buffer, string path, long offset)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw new InvalidDataException($"{path}: ends at byte {offset + read} of the decompressed data; {buffer.Length} bytes were expected from byte {offset}.");
    }
}
