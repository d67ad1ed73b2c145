using System.CommandLine;
using System.Security.Cryptography;
using Distill.Data;

namespace DataPrep.Tests;

/// <summary>`data-prep make`: its output is read back by the library's readers, exactly, for every data set.</summary>
public sealed class MakeCommandTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "distill-make-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <summary>What the last <see cref="Invoke"/> wrote to standard error.</summary>
    string errors = "";

    int Invoke(params string[] args)
    {
        var command = new RootCommand { MakeCommand.Create() };
        var error = new StringWriter();
        int rc = command.Parse(args).Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = error });
        errors = error.ToString();
        return rc;
    }

    /// <summary>File name -> SHA-256 of every file under <paramref name="dir"/>.</summary>
    static Dictionary<string, string> Hashes(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Theory]
    [InlineData("cifar10", 40, 13, new[] { "cifar-10-batches-bin/data_batch_1.bin", "cifar-10-batches-bin/data_batch_5.bin", "cifar-10-batches-bin/test_batch.bin", "cifar-10-batches-bin/batches.meta.txt" })]
    [InlineData("cifar100", 200, 17, new[] { "cifar-100-binary/train.bin", "cifar-100-binary/test.bin", "cifar-100-binary/fine_label_names.txt", "cifar-100-binary/coarse_label_names.txt" })]
    [InlineData("fashion-mnist", 30, 11, new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })]
    [InlineData("imagenet64", 1000, 7, new[] { "train_data_batch_1.npz", "train_data_batch_10.npz", "val_data.npz" })]
    public void WritesTheOfficialLayoutThatTheReadersReadBack(string name, int train, int test, string[] files)
    {
        var dir = Path.Combine(root, name);
        Assert.Equal(0, Invoke("make", name, "--out", dir, "--train", $"{train}", "--test", $"{test}", "--seed", "9"));
        Assert.All(files, f => Assert.True(File.Exists(Path.Combine(dir, f)), $"{f} missing"));
        var read = DataCatalog.Load(name, dir);
        var expected = SyntheticImages.Generate(name, train, test, seed: 9);
        Assert.Equal(train, read.Train.Count);
        Assert.Equal(test, read.Test.Count);
        Assert.Equal(expected.Train.Labels, read.Train.Labels);
        Assert.Equal(expected.Test.Labels, read.Test.Labels);
        Assert.Equal(expected.Train.CoarseLabels, read.Train.CoarseLabels);
        for (int i = 0; i < train; i += 37) Assert.True(expected.Train.Image(i).SequenceEqual(read.Train.Image(i)), $"train image {i} differs");
        for (int i = 0; i < test; i++) Assert.True(expected.Test.Image(i).SequenceEqual(read.Test.Image(i)), $"test image {i} differs");
        Assert.All(read.Train.ClassCounts(read.NumClasses), n => Assert.Equal(train / read.NumClasses, n));
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedOtherBytes()
    {
        string a = Path.Combine(root, "a"), b = Path.Combine(root, "b"), c = Path.Combine(root, "c");
        Assert.Equal(0, Invoke("make", "fashion-mnist", "--out", a, "--train", "20", "--test", "10", "--seed", "1"));
        Assert.Equal(0, Invoke("make", "fashion-mnist", "--out", b, "--train", "20", "--test", "10", "--seed", "1"));
        Assert.Equal(0, Invoke("make", "fashion-mnist", "--out", c, "--train", "20", "--test", "10", "--seed", "2"));
        Assert.Equal(Hashes(a), Hashes(b));
        var other = Hashes(c);
        Assert.All(Hashes(a), kv => Assert.NotEqual(kv.Value, other[kv.Key]));
    }

    [Fact]
    public void MakeReportsWhatItWrote()
    {
        var log = new StringWriter();
        var dir = MakeCommand.Make("cifar10", Path.Combine(root, "x"), 20, 5, 3, log);
        Assert.StartsWith("make: cifar10 with 20 train and 5 test images (3x32x32, 10 classes, seed 3) written to " + dir, log.ToString());
    }

    [Theory]
    [InlineData("cifar10", "9", "1", "make: cifar10 needs at least 10 train images")]      // fewer train images than classes
    [InlineData("cifar10", "10", "0", "make: cifar10 needs at least 10 train images")]     // no test image
    [InlineData("imagenet64", "999", "5", "make: imagenet64 needs at least 1000 train images")]
    public void RefusesTooFewImagesAndWritesNothing(string name, string train, string test, string message)
    {
        var dir = Path.Combine(root, "refused");
        Assert.Equal(1, Invoke("make", name, "--out", dir, "--train", train, "--test", test));
        Assert.StartsWith(message, errors);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void RejectsAnUnknownDataSet()
    {
        Assert.NotEqual(0, Invoke("make", "mnist", "--out", Path.Combine(root, "m")));
        Assert.Contains("mnist", errors);
    }
}
