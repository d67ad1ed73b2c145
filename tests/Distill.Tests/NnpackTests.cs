using Distill.Runtime;

namespace Distill.Tests;

public class NnpackTests
{
    public NnpackTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void TheRuntimeLeavesNnpackOnExactlyWhereItInitialises()
    {
        Assert.Equal(Nnpack.Available, Nnpack.Enabled);
        bool before = Nnpack.Enabled;
        try
        {
            Nnpack.Enabled = !before;
            Assert.Equal(!before, Nnpack.Enabled);
        }
        finally
        {
            Nnpack.Enabled = before;
        }
    }
}
