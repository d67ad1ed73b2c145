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

    /// <summary>Weights of a seeded linear layer after 5 steps on a fixed regression batch (no optimiser: the initial weights).</summary>
    static float[] Train(Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer?> optimizer)
    {
        TorchRuntime.Seed(2, cudaToo: false);
        using var layer = nn.Linear(6, 3);
        using var x = randn(8, 6);
        using var y = randn(8, 3);
        var sgd = optimizer(layer.parameters());
        for (int s = 0; s < 5 && sgd is not null; s++)
        {
            using var scope = NewDisposeScope();
            sgd.zero_grad();
            nn.functional.mse_loss(layer.call(x), y).backward();
            sgd.step();
        }
        return layer.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
    }
}
