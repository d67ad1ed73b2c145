namespace Distill.Data;

/// <summary>
/// CIFAR-100, binary version (cifar-100-binary.tar.gz, Krizhevsky 2009): folder cifar-100-binary with train.bin
/// (50000 records) and test.bin (10000), each record a coarse label byte, a fine label byte and 3072 pixels;
/// fine_label_names.txt and coarse_label_names.txt. The fine labels are the labels; the coarse ones are kept alongside.
/// The data set of the cross-layer KD experiments (FSP, Yim et al. 2017).
/// </summary>
public static class Cifar100
{
    public const string Name = "cifar100";
    public const string ArchiveFolder = "cifar-100-binary";
    public const int NumClasses = 100;
    public const int NumCoarseClasses = 20;
    public const string TrainFile = "train.bin";
    public const string TestFile = "test.bin";
    public const string FineNamesFile = "fine_label_names.txt";
    public const string CoarseNamesFile = "coarse_label_names.txt";

    /// <summary>Records in train.bin and test.bin of the official release.</summary>
    public const int TrainRecords = 50000, TestRecords = 10000;

    /// <summary>Reads the data set from <paramref name="root"/> or its cifar-100-binary sub-folder.</summary>
    public static ImageDataset Read(string root)
    {
        var dir = DataFiles.Locate(root, ArchiveFolder, TrainFile, Name);
        var fine = DataFiles.ReadClassNames(DataFiles.Require(dir, FineNamesFile, Name), NumClasses);
        var coarse = DataFiles.ReadClassNames(DataFiles.Require(dir, CoarseNamesFile, Name), NumCoarseClasses);
        var expected = RecordCounts.Expected(dir, new Dictionary<string, long> { [TrainFile] = TrainRecords, [TestFile] = TestRecords });
        return new ImageDataset(Name, fine, ReadSplit(DataFiles.Require(dir, TrainFile, Name), expected[TrainFile]),
            ReadSplit(DataFiles.Require(dir, TestFile, Name), expected[TestFile]), coarse);
    }

    static ImageSplit ReadSplit(string path, long expectedRecords)
    {
        var (pixels, labels, coarse) = CifarRecords.Read(path, 2, NumClasses, NumCoarseClasses, expectedRecords);
        return new ImageSplit(pixels, labels, 3, CifarRecords.Side, CifarRecords.Side, coarse);
    }

    /// <summary>Writes the official layout into <paramref name="dir"/> (the cifar-100-binary folder itself), the record
    /// counts declared in record-counts.txt.</summary>
    public static void Write(ImageDataset data, string dir)
    {
        if (data.NumClasses != NumClasses || data.CoarseClassNames?.Count != NumCoarseClasses)
            throw new ArgumentException($"CIFAR-100 has {NumClasses} fine and {NumCoarseClasses} coarse classes.");
        Directory.CreateDirectory(dir);
        DataFiles.WriteClassNames(Path.Combine(dir, FineNamesFile), data.ClassNames);
        DataFiles.WriteClassNames(Path.Combine(dir, CoarseNamesFile), data.CoarseClassNames);
        CifarRecords.Write(Path.Combine(dir, TrainFile), data.Train, 0, data.Train.Count, withCoarse: true);
        CifarRecords.Write(Path.Combine(dir, TestFile), data.Test, 0, data.Test.Count, withCoarse: true);
        RecordCounts.Write(dir, [(TrainFile, data.Train.Count), (TestFile, data.Test.Count)]);
    }
}
