namespace Distill.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 28x28 grey images of 10 clothing classes, 60000 train and 10000
/// test, as IDX files train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-..., t10k-labels-....
/// Debian ships them in the package dataset-fashion-mnist, which is where the catalog looks by default.
/// </summary>
public static class FashionMnist
{
    public const string Name = "fashion-mnist";
    public const int Side = 28;
    public const int NumClasses = 10;

    /// <summary>Where Debian's dataset-fashion-mnist package installs the four gzip files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Reads both splits from <paramref name="dir"/>, taking each file gzip-compressed or raw.</summary>
    public static ImageDataset Read(string dir) =>
        new(Name, ClassNames, ReadSplit(dir, "train"), ReadSplit(dir, "t10k"));

    /// <summary>Reads only the 60000 training images and labels (e.g. as sprites for generated data).</summary>
    public static ImageSplit ReadTrain(string dir) => ReadSplit(dir, "train");

    /// <summary>Reads only the 10000 test (t10k) images and labels.</summary>
    public static ImageSplit ReadTest(string dir) => ReadSplit(dir, "t10k");

    static ImageSplit ReadSplit(string dir, string prefix)
    {
        var imagesPath = Find(dir, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Find(dir, $"{prefix}-labels-idx1-ubyte");
        var (dims, pixels) = Idx.Read(imagesPath, Idx.ImagesMagic);
        if (dims[1] != Side || dims[2] != Side)
            throw new DataFormatException(imagesPath, DataFormatException.Offset(8), $"images are {dims[1]}x{dims[2]}, not {Side}x{Side}");
        var (labelDims, labelBytes) = Idx.Read(labelsPath, Idx.LabelsMagic);
        if (labelDims[0] != dims[0])
            throw new DataFormatException(labelsPath, DataFormatException.Offset(4),
                $"{labelDims[0]} labels for the {dims[0]} images of {Path.GetFileName(imagesPath)}");
        var labels = new long[labelBytes.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labelBytes[i] >= NumClasses)
                throw new DataFormatException(labelsPath, DataFormatException.Record(i, 8 + i), $"label {labelBytes[i]} is outside 0..{NumClasses - 1}");
            labels[i] = labelBytes[i];
        }
        return new ImageSplit(pixels, labels, 1, Side, Side);
    }

    static string Find(string dir, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(dir, candidate);
            if (File.Exists(path)) return path;
        }
        var missing = DataFiles.NotFound(Name, dir, $"{name}.gz (or {name})");
        throw dir == DebianFolder ? new DatasetNotFoundException(missing.Message + " On Debian: `apt-get install dataset-fashion-mnist`.") : missing;
    }

    /// <summary>Writes the four IDX files into <paramref name="dir"/>, gzip-compressed like the official download.</summary>
    public static void Write(ImageDataset data, string dir, bool gzip = true)
    {
        if (data.NumClasses != NumClasses) throw new ArgumentException($"Fashion-MNIST has {NumClasses} classes, not {data.NumClasses}.");
        Directory.CreateDirectory(dir);
        WriteSplit(data.Train, dir, "train", gzip);
        WriteSplit(data.Test, dir, "t10k", gzip);
    }

    static void WriteSplit(ImageSplit split, string dir, string prefix, bool gzip)
    {
        if (split.Channels != 1 || split.Height != Side || split.Width != Side)
            throw new ArgumentException($"Fashion-MNIST images are 1x28x28, not {split.Channels}x{split.Height}x{split.Width}.");
        string ext = gzip ? ".gz" : "";
        Idx.Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte{ext}"), [split.Count, Side, Side],
            split.Pixels(0, split.Count));
        Idx.Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte{ext}"), [split.Count],
            [split.Labels.Select(l => checked((byte)l)).ToArray()]);
    }
}
