using Distill.Data;

namespace DataPrep.Video;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) training images as 28x28 grey sprites for the generated action set,
/// grouped by category; read by the library's reader (<see cref="FashionMnist"/>) from the files Debian's
/// dataset-fashion-mnist package installs.
/// </summary>
public sealed class FashionSprites
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DebianFolder = FashionMnist.DebianFolder;
    public const int Side = FashionMnist.Side;

    readonly ImageSplit images;
    readonly int[][] byCategory;

    FashionSprites(ImageSplit images)
    {
        this.images = images;
        byCategory = [.. Enumerable.Range(0, FashionMnist.NumClasses).Select(c => Enumerable.Range(0, images.Count).Where(i => images.Labels[i] == c).ToArray())];
    }

    /// <summary>Loads train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] from <paramref name="folder"/>.</summary>
    public static FashionSprites Load(string folder = DebianFolder) => new(FashionMnist.ReadTrain(folder));

    /// <summary>How many images category <paramref name="category"/> (0..9) has.</summary>
    public int Count(int category) => byCategory[category].Length;

    /// <summary>Image <paramref name="index"/> of <paramref name="category"/>, 28x28 row-major intensities.</summary>
    public ReadOnlySpan<byte> Image(int category, int index) => images.Image(byCategory[category][index]);
}
