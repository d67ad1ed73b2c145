namespace Distill.Data;

/// <summary>
/// CIFAR-10, binary version (cifar-10-binary.tar.gz, Krizhevsky 2009): folder cifar-10-batches-bin with
/// data_batch_1..5.bin (train, 10000 records each), test_batch.bin and batches.meta.txt (the 10 class names).
/// </summary>
public static class Cifar10
{
    public const string Name = "cifar10";
    public const string ArchiveFolder = "cifar-10-batches-bin";
    public const int NumClasses = 10;
    public const int TrainBatches = 5;
    public const string MetaFile = "batches.meta.txt";
    public const string TestFile = "test_batch.bin";

    /// <summary>Records in each file of the official release.</summary>
    public const int RecordsPerFile = 10000;

    public static string TrainFile(int batch) => $"data_batch_{batch}.bin";

    static IEnumerable<string> Files => Enumerable.Range(1, TrainBatches).Select(TrainFile).Append(TestFile);

    /// <summary>Reads the data set from <paramref name="root"/> or its cifar-10-batches-bin sub-folder.</summary>
    public static ImageDataset Read(string root)
    {
        var dir = DataFiles.Locate(root, ArchiveFolder, TrainFile(1), Name);
        var names = DataFiles.ReadClassNames(DataFiles.Require(dir, MetaFile, Name), NumClasses);
        var expected = RecordCounts.Expected(dir, Files.ToDictionary(f => f, _ => (long)RecordsPerFile));
        var shards = new List<byte[]>();
        var labels = new List<long>();
        for (int b = 1; b <= TrainBatches; b++)
        {
            var (pixels, batchLabels, _) = CifarRecords.Read(DataFiles.Require(dir, TrainFile(b), Name), 1, NumClasses, 0, expected[TrainFile(b)]);
            shards.Add(pixels);
            labels.AddRange(batchLabels);
        }
        var test = CifarRecords.Read(DataFiles.Require(dir, TestFile, Name), 1, NumClasses, 0, expected[TestFile]);
        return new ImageDataset(Name, names,
            new ImageSplit(shards, labels.ToArray(), 3, CifarRecords.Side, CifarRecords.Side),
            new ImageSplit(test.Pixels, test.Labels, 3, CifarRecords.Side, CifarRecords.Side));
    }

    /// <summary>Writes the official layout into <paramref name="dir"/> (the cifar-10-batches-bin folder itself):
    /// the train split spread evenly over the five batch files, their record counts declared in record-counts.txt.</summary>
    public static void Write(ImageDataset data, string dir)
    {
        if (data.NumClasses != NumClasses) throw new ArgumentException($"CIFAR-10 has {NumClasses} classes, not {data.NumClasses}.");
        Directory.CreateDirectory(dir);
        DataFiles.WriteClassNames(Path.Combine(dir, MetaFile), data.ClassNames);
        var counts = new List<(string, long)>();
        int start = 0;
        for (int b = 1; b <= TrainBatches; b++)
        {
            int end = (int)((long)data.Train.Count * b / TrainBatches);
            CifarRecords.Write(Path.Combine(dir, TrainFile(b)), data.Train, start, end - start, withCoarse: false);
            counts.Add((TrainFile(b), end - start));
            start = end;
        }
        CifarRecords.Write(Path.Combine(dir, TestFile), data.Test, 0, data.Test.Count, withCoarse: false);
        counts.Add((TestFile, data.Test.Count));
        RecordCounts.Write(dir, counts);
    }
}
