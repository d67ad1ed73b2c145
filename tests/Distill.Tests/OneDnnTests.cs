using Distill.Runtime;

namespace Distill.Tests;

public class OneDnnTests
{
    public OneDnnTests() => TorchRuntime.Initialize(seed: 0, quiet: true);

    [Fact]
    public void TheSwitchReachesLibtorchAndTheRuntimeLeavesItOff()
    {
        Assert.False(TorchRuntime.Current.OneDnn);   // the test process has no DISTILL_ONEDNN
        Assert.Contains("oneDNN off", TorchRuntime.Current.ToString());
        try
        {
            OneDnn.Enabled = true;
            Assert.True(OneDnn.Enabled);
            OneDnn.Enabled = false;
            Assert.False(OneDnn.Enabled);
        }
        finally
        {
            OneDnn.Enabled = false;
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("off", false)]
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
