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

    /// <summary>Weights of a seeded linear layer after 6 steps on a fixed regression batch (no optimiser: the initial weights).</summary>
    static float[] Train(Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer?> optimizer)
    {
        TorchRuntime.Seed(2, cudaToo: false);
        using var layer = nn.Linear(6, 3);
        using var x = randn(8, 6);
        using var y = randn(8, 3);
        var adam = optimizer(layer.parameters());
        for (int s = 0; s < 6 && adam is not null; s++)
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            nn.functional.mse_loss(layer.call(x), y).backward();
            adam.step();
        }
        return layer.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
    }
}
