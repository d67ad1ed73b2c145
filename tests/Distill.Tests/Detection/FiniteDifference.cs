using static TorchSharp.torch;

namespace Distill.Tests.Detection;

/// <summary>Central finite differences of a scalar function of one float64 tensor, to check autograd gradients.</summary>
static class FiniteDifference
{
    public static double[] Gradient(Func<Tensor, Tensor> f, Tensor x, double eps = 1e-6)
    {
        var values = x.detach().clone();
        var flat = values.view(-1);
        var grad = new double[flat.shape[0]];
        for (int i = 0; i < grad.Length; i++)
        {
            double original = flat[i].item<double>();
            flat[i] = original + eps;
            double plus = f(values).item<double>();
            flat[i] = original - eps;
            double minus = f(values).item<double>();
            flat[i] = original;
            grad[i] = (plus - minus) / (2 * eps);
        }
        return grad;
    }

    public static double[] Autograd(Func<Tensor, Tensor> f, Tensor x)
    {
        var leaf = x.detach().clone().requires_grad_(true);
        f(leaf).backward();
        return leaf.grad!.data<double>().ToArray();
    }

    public static void AssertMatches(Func<Tensor, Tensor> f, Tensor x, double tolerance = 1e-6)
    {
        var numeric = Gradient(f, x);
        var analytic = Autograd(f, x);
        Assert.Equal(numeric.Length, analytic.Length);
        for (int i = 0; i < numeric.Length; i++)
            Assert.True(Math.Abs(numeric[i] - analytic[i]) < tolerance, $"d/dx[{i}]: autograd {analytic[i]}, finite difference {numeric[i]}");
    }
}
