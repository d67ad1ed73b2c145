using System.Collections.Concurrent;
using Distill.Data;
using Distill.Runtime;

namespace Distill.Experiments;

/// <summary>
/// Puts the image data sets of <see cref="DataCatalog"/> ("cifar10", "cifar100", "fashion-mnist", "imagenet64")
/// behind <see cref="DataSetCatalog"/>: each request gets device-resident loaders with the set's standard training
/// augmentation, over the whole set in the paper profile and over the first <see cref="SmokeTrain"/> /
/// <see cref="SmokeTest"/> images in the smoke profile. A set read from disk is kept for the process, so the runs of
/// one notebook read their data once. A request's own image counts (<see cref="DataRequest.TrainImages"/>,
/// <see cref="DataRequest.TestImages"/>) take the first that many images instead, in either profile.
/// </summary>
public static class ImageDataSets
{
    /// <summary>Training images of the smoke profile (CPU, minutes).</summary>
    public const int SmokeTrain = 10_000;

    /// <summary>Test images of the smoke profile.</summary>
    public const int SmokeTest = 2_000;

    static readonly ConcurrentDictionary<string, Lazy<ImageDataset>> Loaded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers every catalog image set; called by <see cref="DataSetCatalog"/>.</summary>
    public static void RegisterIn()
    {
        foreach (var name in DataCatalog.Names) DataSetCatalog.Register(name, Resolve);
    }

    /// <summary>The loaders for one request; the data set is read on first use.</summary>
    public static DataSplits Resolve(DataRequest request)
    {
        var info = DataCatalog.Info(request.Name);
        var root = DataCatalog.DefaultRoot(info.Name);
        var data = Loaded.GetOrAdd(root, r => new Lazy<ImageDataset>(() => DataCatalog.Load(info.Name, r))).Value;
        bool smoke = request.Profile == Profiles.Smoke;
        var train = request.TrainImages is int n ? data.Train.Take(n) : smoke ? data.Train.Take(SmokeTrain) : data.Train;
        var test = request.TestImages is int m ? data.Test.Take(m) : smoke ? data.Test.Take(SmokeTest) : data.Test;
        var device = TorchRuntime.Current.Device;
        return new DataSplits(
            new DeviceImageLoader(train, data.NumClasses, info.TrainOptions(request.BatchSize, request.Seed), device),
            new DeviceImageLoader(test, data.NumClasses, info.TestOptions(request.BatchSize), device));
    }
}
