using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

/// <summary>Central finite differences in double precision against autograd, element by element.</summary>
static class GradientCheck
{
    /// <summary>
    /// For every element x of every tensor in <paramref name="inputs"/> (float64 leaves with requires_grad), compares
    /// d loss / d x from backward() with (loss(x + eps) - loss(x - eps)) / (2 eps). Returns the number of elements checked.
    /// </summary>
    public static int AssertMatchesFiniteDifferences(Func<Tensor> loss, IReadOnlyList<Tensor> inputs, double eps = 1e-6, double tolerance = 1e-6)
    {
        foreach (var x in inputs)
        {
            Assert.Equal(ScalarType.Float64, x.dtype);
            x.grad?.zero_();
        }
        loss().backward();
        var analytic = inputs.Select(x => x.grad!.clone().contiguous().data<double>().ToArray()).ToArray();

        int checkedCount = 0;
        for (int t = 0; t < inputs.Count; t++)
        {
            var values = inputs[t].detach().view(-1).data<double>();   // shares the input's storage
            for (long i = 0; i < values.Count; i++)
            {
                double saved = values[i];
                values[i] = saved + eps;
                double plus = Evaluate(loss);
                values[i] = saved - eps;
                double minus = Evaluate(loss);
                values[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double expected = analytic[t][i];
                double scale = Math.Max(1.0, Math.Abs(numeric));
                Assert.True(Math.Abs(numeric - expected) <= tolerance * scale,
                    $"input {t}, element {i}: autograd {expected:R}, finite difference {numeric:R}");
                checkedCount++;
            }
        }
        return checkedCount;
    }

    static double Evaluate(Func<Tensor> loss)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return loss().item<double>();
    }
}
