using Distill.Runtime;

namespace Distill.Tests;

public class OneDnnTests
{
    public OneDnnTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void TheSwitchReachesLibtorchAndTheRuntimeLeavesItOn()
    {
        Assert.True(TorchRuntime.Current.OneDnn);   // the test process has no DISTILL_ONEDNN
        Assert.Contains("oneDNN on", TorchRuntime.Current.ToString());
        try
        {
            OneDnn.Enabled = false;
            Assert.False(OneDnn.Enabled);
            OneDnn.Enabled = true;
            Assert.True(OneDnn.Enabled);
        }
        finally
        {
            OneDnn.Enabled = true;
        }
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData(" OFF ", false)]
    [InlineData("0", false)]
    [InlineData(" ON ", true)]
    [InlineData("1", true)]
    public void TheVariableIsReadAsASwitch(string? value, bool expected) => Assert.Equal(expected, TorchRuntime.OneDnnWanted(value));

    [Fact]
    public void AnyOtherValueIsAnErrorNamingTheVariable()
    {
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.OneDnnWanted("fast"));
        Assert.Equal("DISTILL_ONEDNN=fast: expected on or off.", e.Message);
    }
}
