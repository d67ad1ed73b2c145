using System.Text.Json.Nodes;

namespace Notebooks.Host.Tests;

/// <summary>
/// The HTML report opened in headless Chromium (Debian's chromium) with every connection sent to a dead proxy:
/// the Plotly chart must be drawn from the inlined plotly.js, and Chromium's net log must show no request made by
/// the page (file:// isolation key) for anything but the file itself.
/// </summary>
[Collection(NotebookRuns.Name)]
public sealed class ChromiumReportTests(FeatureRun run)
{
    [Fact]
    public async Task Chart_is_drawn_offline_and_the_page_requests_nothing()
    {
        var (exit, dom) = await run.Chromium;
        Assert.True(exit == 0, $"chromium exited with {exit}: {dom[..Math.Min(dom.Length, 2000)]}");
        Assert.Contains("class=\"main-svg\"", dom);
        Assert.Contains("class=\"js-line\"", dom);

        var events = JsonNode.Parse(File.ReadAllText(run.NetLog))!["events"]!.AsArray();
        var fromPage = events.Select(e => e?["params"]).OfType<JsonObject>()
            .Where(p => ((string?)p["network_isolation_key"])?.Contains("file://") == true && p["url"] is not null)
            .Select(p => (string)p["url"]!).Where(url => !url.StartsWith("file:", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Empty(fromPage);
    }
}
