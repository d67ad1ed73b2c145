using Distill.Data.Detection;
using Distill.Losses;
using Distill.Models;
using Distill.Models.Detection;
using Distill.Runtime;
using Distill.Training;
using Distill.Training.Detection;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

/// <summary>
/// Issues 8 and 17: training steps run one after another, each on a fresh OS thread, as notebook kernels and test
/// runners do, with oneDNN on (the runtime's default) and a background thread forcing garbage collections and
/// finalizers all the while, so that anything the finalizer thread can free while native code still reads it (TorchSharp
/// 0.107's implicit Scalars, tensors nothing roots) gets freed. Every loss, parameter and gradient must stay finite, and
/// every loss must match the same steps run on one thread without forced collections bit for bit.
/// </summary>
public class ThreadHoppingTests : IClassFixture<SceneFixture>
{
    readonly SceneFixture scenes;

    public ThreadHoppingTests(SceneFixture scenes)
    {
        TorchRuntime.Initialize(seed: 11, quiet: true);
        this.scenes = scenes;
    }

    [Fact]
    public void DetectionStepsOnFreshThreadsUnderForcedCollectionsStayFiniteAndMatchOneThread()
    {
        Assert.True(OneDnn.Enabled);
        var source = new VocDetectionSource(VocDataset.Open(scenes.Root, "train"), SceneFixture.ImageSize, batchSize: 2, shuffle: false, flip: false);
        using var batch = source.Epoch(0).First();
        var oneThread = TrainDetector(batch, hop: false);
        using var collector = new ForcedCollections();
        var hopping = TrainDetector(batch, hop: true);
        Assert.True(collector.Collections > 0, "no collection was forced during the steps");
        Assert.Empty(hopping.Where(step => !step.Finite).Select(step => string.Join(", ", step.Losses)));
        Assert.Equal(oneThread.Select(step => step.Losses), hopping.Select(step => step.Losses));
    }

    /// <summary>Two rounds of a fresh student distilled from a fresh teacher for 4 steps on one batch: each step's losses and
    /// whether every loss, parameter and gradient was finite after it.</summary>
    static List<(IReadOnlyDictionary<string, double> Losses, bool Finite)> TrainDetector(DetectionBatch batch, bool hop)
    {
        TorchRuntime.Seed(7, cudaToo: false);
        var steps = new List<(IReadOnlyDictionary<string, double>, bool)>();
        for (int round = 0; round < 2; round++)
        {
            var teacher = SceneFixture.Detector(VggBackbone.Teacher());
            var student = SceneFixture.Detector(VggBackbone.Student());
            var distiller = SceneFixture.Distilling(student, teacher);
            var optimizer = SceneFixture.Sgd(distiller, 0.02);
            var rng = new Random(round);
            for (int s = 0; s < 4; s++)
            {
                var values = hop ? OnFreshThread(() => SceneFixture.Step(distiller, optimizer, batch, rng)) : SceneFixture.Step(distiller, optimizer, batch, rng);
                using var scope = NewDisposeScope();   // roots the wrappers p.grad makes until every check is done
                var trained = distiller.parameters().ToList();
                steps.Add((values, values.Values.All(double.IsFinite) && trained.All(Finite) && trained.All(p => p.grad is not { } g || Finite(g))));
            }
        }
        return steps;
    }

    [Fact]
    public void ClassificationStepsOnFreshThreadsUnderForcedCollectionsMatchOneThread()
    {
        Assert.True(OneDnn.Enabled);
        var (oneThreadLosses, oneThreadWeights) = TrainClassifier(hop: false);
        using var collector = new ForcedCollections();
        var (hoppingLosses, hoppingWeights) = TrainClassifier(hop: true);
        Assert.True(collector.Collections > 0, "no collection was forced during the steps");
        Assert.All(hoppingLosses, l => Assert.True(double.IsFinite(l)));
        Assert.All(hoppingWeights, w => Assert.True(float.IsFinite(w)));
        Assert.Equal(oneThreadLosses, hoppingLosses);
        Assert.Equal(oneThreadWeights, hoppingWeights);
    }

    /// <summary>ResNet-8 distilled from a ResNet-14 (cross-entropy + Hinton KD, SGD with momentum) for 8 steps of 16 images.</summary>
    static (List<double> Losses, float[] Weights) TrainClassifier(bool hop)
    {
        TorchRuntime.Seed(5, cudaToo: false);
        var spec = new ModelSpec("resnet8", NumClasses: 10, ImageSize: 16);
        var student = ModelZoo.Create(spec);
        var teacher = ModelZoo.Create(spec with { Name = "resnet14" });
        using var distiller = new Distiller(student, [teacher], [(new CrossEntropy(), 0.5), (new HintonKd(4.0), 0.5)]);
        var optimizer = OptimizerSpec.Sgd(0.05).Create(distiller.parameters());
        using var images = rand(16, 3, 16, 16);
        using var labels = randint(0, 10, [16]);
        var losses = new List<double>();
        for (int s = 0; s < 8; s++)
        {
            double Step()
            {
                using var scope = NewDisposeScope();
                var result = distiller.Step(images, labels);
                distiller.zero_grad(set_to_none: true);
                result.Loss.backward();
                Assert.All(student.parameters(), p => Assert.True(Finite(p.grad!)));
                optimizer.step();
                Assert.All(student.parameters(), p => Assert.True(Finite(p)));
                return result.Loss.item<float>();
            }
            losses.Add(hop ? OnFreshThread(Step) : Step());
        }
        var weights = student.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
        return (losses, weights);
    }

    /// <summary>Whether every element is finite; call it inside a dispose scope, which keeps its temporaries alive.</summary>
    static bool Finite(Tensor t) => isfinite(t).all().item<bool>();

    /// <summary>Runs <paramref name="work"/> on a new thread and waits for it: one thread at a time, a fresh one every call.</summary>
    static T OnFreshThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = e; }
        });
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException("A step on a fresh thread failed.", error);
        return result;
    }

    /// <summary>A background thread calling GC.Collect and waiting for finalizers in a loop until disposed.</summary>
    sealed class ForcedCollections : IDisposable
    {
        readonly Thread thread;
        volatile bool stop;

        public ForcedCollections()
        {
            thread = new Thread(() =>
            {
                while (!stop)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    Collections++;
                }
            }) { IsBackground = true };
            thread.Start();
        }

        public int Collections { get; private set; }

        public void Dispose()
        {
            stop = true;
            thread.Join();
        }
    }
}
