using System.CommandLine;
using System.Diagnostics;
using Distill.Data;

namespace DataPrep;

/// <summary>
/// `data-prep make NAME --out DIR [--train N] [--test M] [--seed S]`: writes a generated data set (see
/// <see cref="SyntheticImages"/>) in the exact official on-disk layout and format, so the readers, the loaders and
/// `data-prep fetch`'s verification treat it like the real one. For smoke runs and tests without downloads.
/// </summary>
static class MakeCommand
{
    /// <summary>Default sizes: the official ones, except ImageNet 64x64 (1281167 train images would be 15.7 GB).</summary>
    static (int Train, int Test) DefaultSizes(string name) => name switch
    {
        ImageNet64.Name => (20000, 5000),
        FashionMnist.Name => (60000, 10000),
        _ => (50000, 10000),
    };

    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "cifar10, cifar100, fashion-mnist or imagenet64" };
        dataset.AcceptOnlyFromAmong([.. DataCatalog.Names]);
        var output = new Option<string>("--out") { Description = "Folder to write the data set into", Required = true };
        var train = new Option<int?>("--train") { Description = "Train images (default: the official count; 20000 for imagenet64)" };
        var test = new Option<int?>("--test") { Description = "Test images (default: the official count; 5000 for imagenet64)" };
        var seed = new Option<int>("--seed") { Description = "Random seed of the content", DefaultValueFactory = _ => 0 };
        var command = new Command("make", "Write a generated data set in the official on-disk format") { dataset, output, train, test, seed };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(dataset)!;
            var (defaultTrain, defaultTest) = DefaultSizes(name);
            try
            {
                Make(name, parse.GetValue(output)!, parse.GetValue(train) ?? defaultTrain, parse.GetValue(test) ?? defaultTest,
                    parse.GetValue(seed), parse.InvocationConfiguration.Output);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"make: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Generates and writes the data set; returns the folder <see cref="DataCatalog.Load"/> reads it from.</summary>
    public static string Make(string name, string outDir, int trainCount, int testCount, int seed, TextWriter log)
    {
        var info = DataCatalog.Info(name);
        if (trainCount < info.NumClasses || testCount < 1)
            throw new ArgumentException($"{name} needs at least {info.NumClasses} train images (one per class) and 1 test image.");
        var clock = Stopwatch.StartNew();
        var data = SyntheticImages.Generate(info.Name, trainCount, testCount, seed);
        var generated = clock.Elapsed;
        DataCatalog.Write(data, outDir);
        log.WriteLine($"make: {info.Name} with {trainCount} train and {testCount} test images ({info.Channels}x{info.Side}x{info.Side}, " +
                      $"{info.NumClasses} classes, seed {seed}) written to {outDir} " +
                      $"(generated in {generated.TotalSeconds:F1} s, written in {(clock.Elapsed - generated).TotalSeconds:F1} s)");
        return outDir;
    }
}
