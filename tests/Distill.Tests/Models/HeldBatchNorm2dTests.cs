using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static Distill.Tests.Training.Fixtures;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

/// <summary>
/// The zoo's batch norm is TorchSharp's nn.BatchNorm2d to the bit (outputs, gradients, running statistics, batch count,
/// state-dict names), counts batches without implicit Scalars, and evaluates with the running statistics.
/// </summary>
public class HeldBatchNorm2dTests
{
    public HeldBatchNorm2dTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void TrainsAndEvaluatesAsTorchSharpsBatchNorm2dToTheBit()
    {
        manual_seed(4);
        using var held = new HeldBatchNorm2d(5);
        using var stock = nn.BatchNorm2d(5);
        using (no_grad())
        {
            held.weight.uniform_(0.5, 1.5);
            held.bias!.uniform_(-0.5, 0.5);
            stock.weight.copy_(held.weight);
            stock.bias!.copy_(held.bias);
        }
        Assert.Equal(stock.state_dict().Keys.Order(), held.state_dict().Keys.Order());
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            var x = randn(4, 5, 3, 3).Times(2.0).Plus(0.5);
            var upstream = randn(4, 5, 3, 3);
            var (yHeld, gradsHeld) = ForwardBackward(held, x, upstream);
            var (yStock, gradsStock) = ForwardBackward(stock, x, upstream);
            Assert.True(SameBits(yHeld, yStock), $"step {step}: outputs differ");
            for (int g = 0; g < gradsHeld.Length; g++) Assert.True(SameBits(gradsHeld[g], gradsStock[g]), $"step {step}: gradient {g} differs");
            Assert.True(SameBits(held.running_mean!, stock.running_mean!));
            Assert.True(SameBits(held.running_var!, stock.running_var!));
        }
        Assert.Equal(3L, held.num_batches_tracked!.item<long>());
        Assert.Equal(3L, stock.num_batches_tracked!.item<long>());

        held.eval();
        stock.eval();
        using var input = randn(2, 5, 3, 3);
        using var evaluated = held.call(input);
        Assert.True(SameBits(evaluated, stock.call(input)));
        // Evaluation normalises by the running statistics: (x - mean) / sqrt(var + eps) * weight + bias.
        using var byHand = input.sub(held.running_mean!.view(1, 5, 1, 1)).div(held.running_var!.view(1, 5, 1, 1).Plus(1e-5).sqrt())
            .mul(held.weight.view(1, 5, 1, 1)).Plus(held.bias!.view(1, 5, 1, 1));
        Assert.True(evaluated.allclose(byHand, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(3L, held.num_batches_tracked!.item<long>());
    }

    [Fact]
    public void RejectsInputsThatAreNotFourDimensional()
    {
        using var bn = new HeldBatchNorm2d(3);
        using var flat = randn(2, 3);
        var error = Assert.Throws<ArgumentException>(() => bn.call(flat));
        Assert.Contains("2-d", error.Message);
    }

    /// <summary>The output and the gradients of the input, weight and bias for one backward of <paramref name="upstream"/>.</summary>
    static (Tensor Output, Tensor[] Grads) ForwardBackward(nn.Module<Tensor, Tensor> bn, Tensor data, Tensor upstream)
    {
        var x = data.detach().requires_grad_();
        bn.zero_grad();
        var y = bn.call(x);
        y.backward([upstream]);
        var grads = new[] { x.grad!.clone() }.Concat(bn.parameters().Select(p => p.grad!.clone())).ToArray();
        return (y.detach(), grads);
    }
}
