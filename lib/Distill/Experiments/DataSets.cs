using Distill.Data;

namespace Distill.Experiments;

/// <summary>
/// What an experiment asks of a data set: its name, the profile (smoke subsets or the full set), batch size and seed,
/// and optionally how many training / test images to use (the first ones; null: the profile's default).
/// </summary>
public sealed record DataRequest(string Name, string Profile, int BatchSize, int Seed, int? TrainImages = null, int? TestImages = null);

/// <summary>The two splits an experiment trains and evaluates on.</summary>
public sealed record DataSplits(IBatchSource Train, IBatchSource Test);

/// <summary>The seam between experiments and data loaders: turns a <see cref="DataRequest"/> into batch sources.</summary>
public delegate DataSplits DataSetResolver(DataRequest request);

/// <summary>
/// Data sets by name ("fashion-mnist", "cifar10", "cifar100", "imagenet64", ...). Each data-set family registers a
/// factory here; <see cref="Resolve"/> is the default <see cref="DataSetResolver"/> of the CLI and notebooks.
/// </summary>
public static class DataSetCatalog
{
    static readonly Dictionary<string, Func<DataRequest, DataSplits>> Factories = new(StringComparer.OrdinalIgnoreCase);

    static DataSetCatalog()
    {
        foreach (var register in Families) register();
    }

    /// <summary>One entry per data-set family; each calls <see cref="Register"/> for its names.</summary>
    static readonly Action[] Families =
    [
        ImageDataSets.RegisterIn,
        VideoDataSets.RegisterIn,
    ];

    public static void Register(string name, Func<DataRequest, DataSplits> factory) => Factories[name] = factory;

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static DataSplits Resolve(DataRequest request) =>
        Factories.TryGetValue(request.Name, out var factory)
            ? factory(request)
            : throw new ArgumentException(
                $"Unknown data set '{request.Name}'. Known: {(Factories.Count == 0 ? "none registered" : string.Join(", ", Factories.Keys.Order()))}");
}
