using Distill.Experiments;
using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;

namespace Distill.Tests.Training;

/// <summary>Shared pieces of the training tests: the tiny model and synthetic data registered by name, temp folders.</summary>
static class Fixtures
{
    public const string Model = "tiny-cnn";
    public const string DataSet = "synthetic-quadrants";

    public static readonly ModelSpec Spec = new(Model, NumClasses: 4, InChannels: 1, ImageSize: 8);

    public static void Register()
    {
        ModelZoo.Register(Model, spec => new TinyNet(spec));
        DataSetCatalog.Register(DataSet, r => new DataSplits(
            new SyntheticSource(r.Profile == Profiles.Smoke ? 256 : 1024, r.BatchSize, r.Seed),
            new SyntheticSource(128, 64, r.Seed + 10_000)));
    }

    /// <summary>
    /// <see cref="TorchRuntime.Initialize"/> plus one intra-op thread: these models are tiny, and on a shared machine
    /// OpenMP workers spinning for a busy core made the same tests ten times slower.
    /// </summary>
    public static void Initialize(int seed)
    {
        TorchRuntime.Initialize(seed, quiet: true);
        TorchThreads.Set(1);
    }

    public static Experiment Experiment(string name, int epochs = 2, params LossSpec[] losses) => new()
    {
        Name = name,
        DataSet = DataSet,
        Student = Spec,
        Losses = losses.Length == 0 ? [new LossSpec(CrossEntropy.Name)] : losses,
        Optimizer = OptimizerSpec.Sgd(0.05, nesterov: true),
        Schedule = ScheduleSpec.Cosine(warmupEpochs: 0.5),
        Epochs = epochs,
        BatchSize = 32,
        Seed = 3,
    };

    /// <summary>A fresh folder under the system temp folder, deleted when the Training collection is done.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "distill-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        lock (Folders) Folders.Add(path);
        return path;
    }

    static readonly List<string> Folders = [];

    /// <summary>Deletes every folder <see cref="TempFolder"/> made.</summary>
    public static void DeleteTempFolders()
    {
        lock (Folders)
        {
            foreach (var folder in Folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
            Folders.Clear();
        }
    }

    /// <summary>All parameters and buffers of a module, flattened to doubles, by state-dict name.</summary>
    public static Dictionary<string, double[]> Weights(TorchSharp.torch.nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.cpu().to(TorchSharp.torch.float64).data<double>().ToArray());

    /// <summary>Same shape and the same values bit for bit (NaN never the same).</summary>
    public static bool SameBits(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public static void AssertSameWeights(Dictionary<string, double[]> expected, Dictionary<string, double[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected) Assert.True(values.SequenceEqual(actual[name]), $"tensor '{name}' differs");
    }
}

/// <summary>
/// The training tests run one at a time and never beside other test collections: torch's global generator and
/// thread count are process-wide, and a test elsewhere reseeding it mid-run would change a model's initial weights.
/// </summary>
[CollectionDefinition("Training", DisableParallelization = true)]
public sealed class TrainingCollection : ICollectionFixture<TrainingCollection.TempFolders>
{
    /// <summary>Created before the collection's first test, disposed after its last: removes the temp folders.</summary>
    public sealed class TempFolders : IDisposable
    {
        public void Dispose() => Fixtures.DeleteTempFolders();
    }
}
