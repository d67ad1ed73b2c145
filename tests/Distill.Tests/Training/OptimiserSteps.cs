using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>What HeldSgdTests and HeldAdamTests compare: the weights an optimiser leaves after a few fixed steps.</summary>
static class OptimiserSteps
{
    /// <summary>Weights of a seeded linear layer after <paramref name="steps"/> steps on a fixed regression batch (no optimiser: the initial weights).</summary>
    public static float[] Weights(Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer?> optimizer, int steps)
    {
        TorchRuntime.Seed(2, cudaToo: false);
        using var layer = nn.Linear(6, 3);
        using var x = randn(8, 6);
        using var y = randn(8, 3);
        var opt = optimizer(layer.parameters());
        for (int s = 0; s < steps && opt is not null; s++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            nn.functional.mse_loss(layer.call(x), y).backward();
            opt.step();
        }
        return layer.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();
    }
}
