namespace Distill.Data;

/// <summary>
/// Downsampled ImageNet 64x64 (Chrabaszcz, Loshchilov and Hutter 2017), official npz version: train_data_batch_1..10.npz
/// and val_data.npz, each holding 'data' uint8 [N, 12288] (the red, green and blue 64x64 planes of each image),
/// 'labels' 1..1000 and, in the train batches, 'mean'. Labels are returned 0-based. Used by the cross-layer KD paper.
/// Class names come from an optional map_clsloc.txt ("wnid index name" per line, as in the authors' scripts).
/// </summary>
public static class ImageNet64
{
    public const string Name = "imagenet64";
    public const int Side = 64;
    public const int NumClasses = 1000;
    public const int TrainBatches = 10;
    public const string ValFile = "val_data.npz";
    public const string ClassMapFile = "map_clsloc.txt";
    const int RowBytes = 3 * Side * Side;

    public static string TrainFile(int batch) => $"train_data_batch_{batch}.npz";

    /// <summary>Reads the ten train batches and the validation file (the test split) from <paramref name="dir"/>.</summary>
    public static ImageDataset Read(string dir)
    {
        var shards = new List<byte[]>();
        var labels = new List<long>();
        for (int b = 1; b <= TrainBatches; b++)
        {
            var (pixels, batchLabels) = ReadBatch(DataFiles.Require(dir, TrainFile(b), Name));
            shards.Add(pixels);
            labels.AddRange(batchLabels);
        }
        var val = ReadBatch(DataFiles.Require(dir, ValFile, Name));
        return new ImageDataset(Name, ReadClassNames(dir),
            new ImageSplit(shards, labels.ToArray(), 3, Side, Side),
            new ImageSplit(val.Pixels, val.Labels, 3, Side, Side));
    }

    /// <summary>One npz batch: pixels [N, 3, 64, 64] flattened, 0-based labels.</summary>
    public static (byte[] Pixels, long[] Labels) ReadBatch(string path)
    {
        using var npz = new NpzReader(path);
        var dataHeader = npz.Header("data");
        if (dataHeader.Shape.Length != 2 || dataHeader.Shape[1] != RowBytes)
            throw new DataFormatException($"{path}/data.npy", "header", $"shape {dataHeader.ShapeText} is not (N, {RowBytes})");
        var labelsHeader = npz.Header("labels");
        if (labelsHeader.Shape.Length != 1 || labelsHeader.Shape[0] != dataHeader.Shape[0])
            throw new DataFormatException($"{path}/labels.npy", "header",
                $"shape {labelsHeader.ShapeText} does not match the {dataHeader.Shape[0]} images of data.npy");
        var labels = npz.ReadInt64("labels", out _);
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is < 1 or > NumClasses)
                throw new DataFormatException($"{path}/labels.npy", DataFormatException.Record(i, labelsHeader.DataOffset + i * labelsHeader.ItemSize),
                    $"label {labels[i]} is outside 1..{NumClasses}");
            labels[i]--;
        }
        var pixels = npz.ReadUInt8("data", out _);
        if (npz.Contains("mean"))
        {
            var mean = npz.Header("mean");
            if (mean.Count != RowBytes)
                throw new DataFormatException($"{path}/mean.npy", "header", $"shape {mean.ShapeText} does not hold {RowBytes} values");
        }
        return (pixels, labels);
    }

    static IReadOnlyList<string> ReadClassNames(string dir)
    {
        var path = Path.Combine(dir, ClassMapFile);
        if (!File.Exists(path)) return Enumerable.Range(1, NumClasses).Select(i => $"class {i}").ToArray();
        var names = new string[NumClasses];
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length < 3 || !int.TryParse(parts[1], out int index) || index is < 1 or > NumClasses)
                throw new DataFormatException(path, $"line {lineNumber}", $"expected 'wnid index name' with index 1..{NumClasses}, found '{line}'");
            names[index - 1] = parts[2].Trim();
        }
        int missing = Array.IndexOf(names, null);
        if (missing >= 0) throw new DataFormatException(path, "", $"no name for class {missing + 1}");
        return names;
    }

    /// <summary>
    /// Writes the official layout into <paramref name="dir"/>: the train split spread evenly over ten batches (each
    /// with its 'mean' row, as in the official files) and the test split as val_data.npz; labels written 1-based.
    /// </summary>
    public static void Write(ImageDataset data, string dir)
    {
        if (data.NumClasses != NumClasses) throw new ArgumentException($"ImageNet 64x64 has {NumClasses} classes, not {data.NumClasses}.");
        Directory.CreateDirectory(dir);
        int start = 0;
        for (int b = 1; b <= TrainBatches; b++)
        {
            int end = (int)((long)data.Train.Count * b / TrainBatches);
            WriteBatch(Path.Combine(dir, TrainFile(b)), data.Train, start, end - start, withMean: true);
            start = end;
        }
        WriteBatch(Path.Combine(dir, ValFile), data.Test, 0, data.Test.Count, withMean: false);
    }

    static void WriteBatch(string path, ImageSplit split, int start, int count, bool withMean)
    {
        if (split.Channels != 3 || split.Height != Side || split.Width != Side)
            throw new ArgumentException($"ImageNet 64x64 images are 3x64x64, not {split.Channels}x{split.Height}x{split.Width}.");
        using var npz = new NpzWriter(path);
        npz.AddUInt8("data", [count, RowBytes], split.Pixels(start, count));
        npz.AddInt64("labels", split.Labels.AsSpan(start, count).ToArray().Select(l => l + 1).ToArray());
        if (withMean)
        {
            var mean = new double[RowBytes];
            for (int i = start; i < start + count; i++)
            {
                var image = split.Image(i);
                for (int j = 0; j < RowBytes; j++) mean[j] += image[j];
            }
            for (int j = 0; j < RowBytes; j++) mean[j] /= Math.Max(count, 1);
            npz.AddFloat64("mean", mean, [RowBytes]);
        }
    }
}
