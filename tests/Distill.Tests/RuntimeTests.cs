using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests;

public class RuntimeTests
{
    [Fact]
    public void LoadsTorchSharpAndRunsABackwardPass()
    {
        var info = TorchRuntime.Initialize(seed: 7, quiet: true);
        Assert.Equal(DeviceType.CPU, info.Device.type);
        var x = tensor(new float[] { 1f, -2f, 3f }, requires_grad: true);
        var y = (x * x * x).sum();
        y.backward();
        // d/dx sum(x^3) = 3x^2
        Assert.Equal(new float[] { 3f, 12f, 27f }, x.grad!.data<float>().ToArray());
    }
}
