namespace DataPrep.Fetch;

/// <summary>
/// The data sets <c>data-prep fetch</c> knows, one entry each, with official URLs and the checksums their
/// authors publish. Tests and mirrors build their own catalog with <see cref="With"/>; the official entries
/// are never changed at run time.
/// </summary>
public sealed class DatasetCatalog
{
    const string CifarPage = "https://www.cs.toronto.edu/~kriz/cifar.html";
    const string FashionMnistPage = "https://github.com/zalandoresearch/fashion-mnist#get-the-data";
    const long CifarImageBytes = 3 * 32 * 32;

    readonly Dictionary<string, DatasetSource> byName;

    /// <summary>A catalog of <paramref name="sources"/>; names must be unique and each archive checkable.</summary>
    public DatasetCatalog(IEnumerable<DatasetSource> sources)
    {
        byName = new Dictionary<string, DatasetSource>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            foreach (var archive in source.Archives)
                if (archive.Checksum is null && archive.ExpectedEntries.Count == 0)
                    throw new ArgumentException(
                        $"{source.Name}: archive {archive.FileName} has neither a published checksum nor expected entries, so nothing could verify it.");
            if (!byName.TryAdd(source.Name, source))
                throw new ArgumentException($"Data set '{source.Name}' is listed twice.");
        }
    }

    /// <summary>Every data set, in catalog order.</summary>
    public IEnumerable<DatasetSource> All => byName.Values;

    /// <summary>The data set named <paramref name="name"/> (case-insensitive), or an error listing the known names.</summary>
    public DatasetSource Get(string name) =>
        byName.TryGetValue(name, out var source)
            ? source
            : throw new FetchException($"Unknown data set '{name}'. Known data sets: {string.Join(", ", byName.Keys)}.");

    /// <summary>A copy of this catalog in which <paramref name="replacement"/> replaces (or adds) its namesake.</summary>
    public DatasetCatalog With(DatasetSource replacement) =>
        new(All.Where(s => !s.Name.Equals(replacement.Name, StringComparison.OrdinalIgnoreCase)).Append(replacement));

    /// <summary>The official sources.</summary>
    public static DatasetCatalog Official { get; } = new([Cifar10(), Cifar100(), FashionMnist(), ImageNet64(), Voc2007(), Voc2012()]);

    /// <summary>CIFAR-10, binary version (Krizhevsky 2009): five training batches and one test batch of 10,000
    /// records, each 1 label byte + 3,072 pixel bytes.</summary>
    static DatasetSource Cifar10() => new(
        "cifar10",
        "CIFAR-10, binary version (Krizhevsky, Learning Multiple Layers of Features from Tiny Images, 2009)",
        new Uri("https://www.cs.toronto.edu/~kriz/"),
        [new ArchiveSource("cifar-10-binary.tar.gz", ArchiveFormat.TarGz,
            PublishedChecksum.Md5("c32a1d4ab5d03f1284b67883e8d87530", CifarPage), [])],
        [
            .. Enumerable.Range(1, 5).Select(i =>
                new RequiredFile($"cifar-10-batches-bin/data_batch_{i}.bin", 10_000 * (1 + CifarImageBytes))),
            new RequiredFile("cifar-10-batches-bin/test_batch.bin", 10_000 * (1 + CifarImageBytes)),
            new RequiredFile("cifar-10-batches-bin/batches.meta.txt"),
        ]);

    /// <summary>CIFAR-100, binary version (Krizhevsky 2009): 50,000 training and 10,000 test records, each a
    /// coarse and a fine label byte + 3,072 pixel bytes.</summary>
    static DatasetSource Cifar100() => new(
        "cifar100",
        "CIFAR-100, binary version (Krizhevsky, Learning Multiple Layers of Features from Tiny Images, 2009)",
        new Uri("https://www.cs.toronto.edu/~kriz/"),
        [new ArchiveSource("cifar-100-binary.tar.gz", ArchiveFormat.TarGz,
            PublishedChecksum.Md5("03b5dce01913d631647c71ecec9e9cb8", CifarPage), [])],
        [
            new RequiredFile("cifar-100-binary/train.bin", 50_000 * (2 + CifarImageBytes)),
            new RequiredFile("cifar-100-binary/test.bin", 10_000 * (2 + CifarImageBytes)),
            new RequiredFile("cifar-100-binary/fine_label_names.txt"),
            new RequiredFile("cifar-100-binary/coarse_label_names.txt"),
        ]);

    /// <summary>Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): four gzip-compressed IDX files from Zalando's
    /// official location, unpacked to the plain IDX files (16-byte image header, 8-byte label header).</summary>
    static DatasetSource FashionMnist() => new(
        "fashion-mnist",
        "Fashion-MNIST (Xiao, Rasul and Vollgraf, arXiv:1708.07747, 2017)",
        new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        [
            Idx("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            Idx("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
            Idx("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
            Idx("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
        ],
        [
            new RequiredFile("train-images-idx3-ubyte", 16 + 60_000L * 28 * 28),
            new RequiredFile("train-labels-idx1-ubyte", 8 + 60_000L),
            new RequiredFile("t10k-images-idx3-ubyte", 16 + 10_000L * 28 * 28),
            new RequiredFile("t10k-labels-idx1-ubyte", 8 + 10_000L),
        ]);

    static ArchiveSource Idx(string fileName, string md5) =>
        new(fileName, ArchiveFormat.Gzip, PublishedChecksum.Md5(md5, FashionMnistPage), []);

    /// <summary>
    /// Downsampled ImageNet 64x64 (Chrabaszcz, Loshchilov and Hutter 2017), NumPy .npz version: ten training
    /// batches in two archives and one validation file, each .npz holding 'data' (N x 12288 uint8) and 'labels'.
    /// image-net.org publishes no checksum for these archives, so each is accepted when its zip directory
    /// lists the expected .npz files, every extracted .npz holds the expected arrays, and the SHA-256 of the
    /// archive and of every extracted file is recorded in the manifest on first fetch; later verify runs check
    /// those values.
    /// </summary>
    static DatasetSource ImageNet64() => new(
        "imagenet64",
        "Downsampled ImageNet 64x64 (Chrabaszcz, Loshchilov and Hutter, arXiv:1707.08819, 2017)",
        new Uri("https://image-net.org/data/downsample/"),
        [
            Npz("Imagenet64_train_part1_npz.zip", TrainBatches("Imagenet64_train_part1_npz", 1)),
            Npz("Imagenet64_train_part2_npz.zip", TrainBatches("Imagenet64_train_part2_npz", 6)),
            Npz("Imagenet64_val_npz.zip", ["Imagenet64_val_npz/val_data.npz"]),
        ],
        [
            .. TrainBatches("Imagenet64_train_part1_npz", 1).Select(NpzFile),
            .. TrainBatches("Imagenet64_train_part2_npz", 6).Select(NpzFile),
            NpzFile("Imagenet64_val_npz/val_data.npz"),
        ],
        AccessNote: "image-net.org serves these archives only to signed-in users who accepted its terms. "
            + "Sign in at https://image-net.org/download-images.php, then either pass the session cookie in the "
            + "DATA_PREP_COOKIE environment variable (or --header \"Cookie: ...\"), or pass the download links "
            + "the site gives you with --url (one per archive) or --base-url (a folder holding all three).");

    static string[] TrainBatches(string folder, int first) =>
        [.. Enumerable.Range(first, 5).Select(i => $"{folder}/train_data_batch_{i}.npz")];

    static ArchiveSource Npz(string fileName, IReadOnlyList<string> entries) =>
        new(fileName, ArchiveFormat.Zip, Checksum: null, entries);

    static RequiredFile NpzFile(string path) => new(path, NpzArrays: ["data", "labels"]);

    /// <summary>
    /// PASCAL VOC 2007 (Everingham et al., IJCV 2010): the trainval and test tars (5,011 + 4,952 images, 20 classes),
    /// both unpacking into VOCdevkit/VOC2007 (Annotations/, ImageSets/Main/, JPEGImages/). The detection
    /// distillation experiments (Chen et al. 2017) train on trainval and report AP on test. The MD5s are those
    /// torchvision's VOC loader (torchvision/datasets/voc.py) records for these files; the official server is slow
    /// and sometimes down, so --base-url takes a mirror folder holding the same files.
    /// </summary>
    static DatasetSource Voc2007() => new(
        "voc2007",
        "PASCAL VOC 2007 detection, trainval + test (Everingham et al., The PASCAL Visual Object Classes Challenge, IJCV 2010)",
        new Uri("http://host.robots.ox.ac.uk/pascal/VOC/voc2007/"),
        [
            Voc("VOCtrainval_06-Nov-2007.tar", "c52e279531787c972589f7e41ab4ae64", VocPage2007),
            Voc("VOCtest_06-Nov-2007.tar", "b6e924de25625d8de591ea690078ad9f", VocPage2007),
        ],
        [
            new RequiredFile("VOCdevkit/VOC2007/ImageSets/Main/trainval.txt"),
            new RequiredFile("VOCdevkit/VOC2007/ImageSets/Main/test.txt"),
            new RequiredFile("VOCdevkit/VOC2007/Annotations/000001.xml"),
            new RequiredFile("VOCdevkit/VOC2007/JPEGImages/000001.jpg"),
        ]);

    /// <summary>PASCAL VOC 2012 trainval (11,540 detection images), unpacking into VOCdevkit/VOC2012; the "07+12" training set adds it to VOC 2007 trainval.</summary>
    static DatasetSource Voc2012() => new(
        "voc2012",
        "PASCAL VOC 2012 trainval (Everingham et al., The PASCAL Visual Object Classes Challenge, IJCV 2010)",
        new Uri("http://host.robots.ox.ac.uk/pascal/VOC/voc2012/"),
        [Voc("VOCtrainval_11-May-2012.tar", "6cd6e144f989b92b3379bac3b3de84fd", VocPage2012)],
        [
            new RequiredFile("VOCdevkit/VOC2012/ImageSets/Main/trainval.txt"),
            new RequiredFile("VOCdevkit/VOC2012/Annotations/2008_000008.xml"),
            new RequiredFile("VOCdevkit/VOC2012/JPEGImages/2008_000008.jpg"),
        ]);

    const string VocPage2007 = "torchvision/datasets/voc.py (DATASET_YEAR_DICT['2007'], ['2007-test'])";
    const string VocPage2012 = "torchvision/datasets/voc.py (DATASET_YEAR_DICT['2012'])";

    static ArchiveSource Voc(string fileName, string md5, string page) => new(fileName, ArchiveFormat.Tar, PublishedChecksum.Md5(md5, page), []);
}
