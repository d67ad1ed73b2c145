using Distill.Runtime;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>HeldAdam takes the same steps as TorchSharp's Adam, bit for bit, with and without its options.</summary>
public class HeldAdamTests
{
    public HeldAdamTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Theory]
    [InlineData(0.0, false, false)]
    [InlineData(1e-4, false, false)]     // the compressed-video study's setting
    [InlineData(1e-2, true, false)]
    [InlineData(0.0, false, true)]
    public void StepsMatchTorchSharpsAdam(double weightDecay, bool amsgrad, bool maximize)
    {
        var ours = Train(p => new HeldAdam(p, 3e-3, 0.9, 0.999, 1e-8, weightDecay, amsgrad, maximize));
        var theirs = Train(p => optim.Adam(p, 3e-3, 0.9, 0.999, 1e-8, weightDecay, amsgrad, maximize));
        Assert.Equal(theirs, ours);
        Assert.NotEqual(Train(_ => null), ours);   // the steps moved the weights
    }

    [Fact]
    public void TheStudySpecBuildsIt()
    {
        using var layer = nn.Linear(2, 2);
        Assert.IsType<HeldAdam>(OptimizerSpec.Adam(1e-3, weightDecay: 1e-4).Create(layer.parameters()));
    }

    static float[] Train(Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer?> optimizer) => OptimiserSteps.Weights(optimizer, steps: 6);
}
