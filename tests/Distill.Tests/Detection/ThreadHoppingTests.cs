using Distill.Data.Detection;
using Distill.Models.Detection;
using Distill.Runtime;
using Distill.Training.Detection;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

/// <summary>
/// Issue 8: detection training went NaN when its steps ran on different OS threads one after another, as notebook
/// kernels and test runners do. Cause: libtorch's cached oneDNN primitives are only correct on the thread that created
/// them (measured: 47 of 120 such steps non-finite with oneDNN on, 0 of 120 with it off). The runtime's default
/// (oneDNN off) must keep every step finite.
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
    public void TrainingStepsOnChangingThreadsStayFinite()
    {
        Assert.False(OneDnn.Enabled);
        var source = new VocDetectionSource(VocDataset.Open(scenes.Root, "train"), SceneFixture.ImageSize, batchSize: 2, shuffle: false, flip: false);
        using var batch = source.Epoch(0).First();
        var failures = new List<string>();
        for (int round = 0; round < 6; round++)
        {
            var model = SceneFixture.Detector(VggBackbone.Student());
            var step = new DetectionDistillationStep(model, DetectionDistillationStep.Sgd(model, null, 0.02), seed: round);
            for (int s = 0; s < 4; s++)
            {
                IReadOnlyDictionary<string, double>? values = null;
                var thread = new Thread(() => values = step.Step(batch.Images, batch.Targets));
                thread.Start();
                thread.Join();   // one thread at a time, a fresh one for every step
                bool finite = values!.Values.All(double.IsFinite) && model.parameters().All(p => isfinite(p).all().item<bool>());
                if (!finite) failures.Add($"round {round} step {s}: {string.Join(", ", values!)}");
            }
        }
        Assert.Empty(failures);
    }
}
