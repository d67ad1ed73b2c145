namespace Distill.Data;

/// <summary>What the rest of the library needs to know about a catalog data set before (or without) reading it.</summary>
/// <param name="CropPadding">Zero padding of the standard random-crop augmentation (0: no crop).</param>
/// <param name="Flip">Whether the standard augmentation flips horizontally.</param>
public sealed record DatasetInfo(string Name, int Channels, int Side, int NumClasses, ChannelStats Stats, int CropPadding, bool Flip)
{
    /// <summary>The loader options of this data set's standard training augmentation.</summary>
    public LoaderOptions TrainOptions(int batchSize, int seed) =>
        new(batchSize, Stats, Shuffle: true, CropPadding: CropPadding, Flip: Flip, DropLast: true, Seed: seed);

    /// <summary>Loader options for evaluation: fixed order, no augmentation, every example.</summary>
    public LoaderOptions TestOptions(int batchSize) => new(batchSize, Stats);
}

/// <summary>
/// The entry point to the image data sets by name: "cifar10", "cifar100", "fashion-mnist", "imagenet64".
/// Each lives under data/&lt;name&gt;/ of the repository (or $DISTILL_DATA/&lt;name&gt;/) in its official layout;
/// Fashion-MNIST defaults to Debian's dataset-fashion-mnist files.
/// </summary>
public static class DataCatalog
{
    /// <summary>Overrides the folder holding one sub-folder per data set.</summary>
    public const string DataRootVariable = "DISTILL_DATA";

    sealed record Entry(DatasetInfo Info, Func<string, ImageDataset> Read, Action<ImageDataset, string> Write);

    static readonly Dictionary<string, Entry> Sets = new(StringComparer.OrdinalIgnoreCase)
    {
        [Cifar10.Name] = new(new(Cifar10.Name, 3, 32, Cifar10.NumClasses, ChannelStats.Cifar10, 4, true),
            Cifar10.Read, (d, root) => Cifar10.Write(d, Path.Combine(root, Cifar10.ArchiveFolder))),
        [Cifar100.Name] = new(new(Cifar100.Name, 3, 32, Cifar100.NumClasses, ChannelStats.Cifar100, 4, true),
            Cifar100.Read, (d, root) => Cifar100.Write(d, Path.Combine(root, Cifar100.ArchiveFolder))),
        [FashionMnist.Name] = new(new(FashionMnist.Name, 1, 28, FashionMnist.NumClasses, ChannelStats.FashionMnist, 2, true),
            FashionMnist.Read, (d, root) => FashionMnist.Write(d, root)),
        [ImageNet64.Name] = new(new(ImageNet64.Name, 3, 64, ImageNet64.NumClasses, ChannelStats.ImageNet, 4, true),
            ImageNet64.Read, ImageNet64.Write),
    };

    public static IReadOnlyCollection<string> Names => Sets.Keys;

    public static DatasetInfo Info(string name) => Find(name).Info;

    /// <summary>$DISTILL_DATA, else data/ of the repository (<see cref="Repository"/>), else ./data.</summary>
    public static string DataRoot =>
        Environment.GetEnvironmentVariable(DataRootVariable) is { } configured && !string.IsNullOrWhiteSpace(configured)
            ? configured
            : Repository.PathOf("data");

    /// <summary>Where <see cref="Load"/> looks when no root is given.</summary>
    public static string DefaultRoot(string name) =>
        Find(name).Info.Name == FashionMnist.Name && !Directory.Exists(Path.Combine(DataRoot, FashionMnist.Name))
            ? FashionMnist.DebianFolder
            : Path.Combine(DataRoot, Find(name).Info.Name);

    /// <summary>Reads data set <paramref name="name"/> from <paramref name="root"/> (default <see cref="DefaultRoot"/>).</summary>
    public static ImageDataset Load(string name, string? root = null)
    {
        var entry = Find(name);
        root ??= DefaultRoot(name);
        if (!Directory.Exists(root)) throw DataFiles.NotFound(entry.Info.Name, root, $"the folder {root}");
        return entry.Read(root);
    }

    /// <summary>
    /// Writes <paramref name="data"/> under <paramref name="root"/> in its official layout (the archive's own
    /// sub-folder for CIFAR), exactly where <see cref="Load"/> with that root reads it back.
    /// </summary>
    public static void Write(ImageDataset data, string root) => Find(data.Name).Write(data, root);

    static Entry Find(string name) =>
        Sets.TryGetValue(name, out var entry)
            ? entry
            : throw new ArgumentException($"Unknown data set '{name}'. Known: {string.Join(", ", Sets.Keys)}.");
}
