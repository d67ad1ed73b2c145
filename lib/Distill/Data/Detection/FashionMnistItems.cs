namespace Distill.Data.Detection;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017) articles as 28x28 grey-level cut-outs with their class under a VOC class name: the
/// objects the generated detection scenes are made of. Read by <see cref="FashionMnist"/>'s validating IDX reader.
/// </summary>
public sealed class FashionMnistItems
{
    /// <summary>The ten Fashion-MNIST classes, named as VOC class names (lower case, no spaces), in label order.</summary>
    public static readonly IReadOnlyList<string> Classes =
        ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot"];

    /// <summary>Where the Debian package dataset-fashion-mnist (environment/setup.sh) installs the files.</summary>
    public const string DefaultFolder = FashionMnist.DebianFolder;

    public const int Side = FashionMnist.Side;

    readonly ImageSplit split;

    FashionMnistItems(ImageSplit split, int count)
    {
        this.split = split;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Class index (into <see cref="Classes"/>) of item <paramref name="index"/>.</summary>
    public int Label(int index) => index < Count ? (int)split.Labels[index] : throw new ArgumentOutOfRangeException(nameof(index), $"Item {index} of {Count}.");

    /// <summary>Row-major grey levels of one item, <see cref="Side"/>² bytes (0 = background).</summary>
    public ReadOnlySpan<byte> Item(int index) => index < Count ? split.Image(index) : throw new ArgumentOutOfRangeException(nameof(index), $"Item {index} of {Count}.");

    /// <summary>The first <paramref name="limit"/> items (all when null) of the train or test (t10k) split.</summary>
    public static FashionMnistItems Load(string folder, bool train, int? limit = null)
    {
        var split = train ? FashionMnist.ReadTrain(folder) : FashionMnist.ReadTest(folder);
        return new FashionMnistItems(split, Math.Min(split.Count, limit ?? split.Count));
    }
}
