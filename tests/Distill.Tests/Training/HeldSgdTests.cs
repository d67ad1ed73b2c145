using Distill.Runtime;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>HeldSgd takes the same steps as TorchSharp's SGD, bit for bit, in every configuration the library uses.</summary>
public class HeldSgdTests
{
    public HeldSgdTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Theory]
    [InlineData(0.0, 0.0, 0.0, false)]
    [InlineData(0.9, 0.0, 5e-4, false)]
    [InlineData(0.9, 0.0, 1e-4, true)]
    [InlineData(0.5, 0.25, 0.0, false)]
    public void StepsMatchTorchSharpsSgd(double momentum, double dampening, double weightDecay, bool nesterov)
    {
        var ours = Train(p => new HeldSgd(p, 0.1, momentum, dampening, weightDecay, nesterov));
        var theirs = Train(p => optim.SGD(p, 0.1, momentum, dampening, weightDecay, nesterov));
        Assert.Equal(theirs, ours);
        Assert.NotEqual(Train(_ => null), ours);   // the steps moved the weights
    }

    static float[] Train(Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer?> optimizer) => OptimiserSteps.Weights(optimizer, steps: 5);
}
