using Notebooks.Host.Formatting;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Kernel;

/// <summary>HTML a cell wants shown as is; what .NET Interactive's HTML("...") returns.</summary>
public sealed class HtmlString(string html)
{
    public string Html { get; } = html;
    public override string ToString() => Html;
}

/// <summary>A value shown with display(); Update replaces what the output shows (a progress line, a growing chart).</summary>
public sealed class DisplayedValue
{
    readonly CellOutputs outputs;
    readonly DisplayOutput output;
    readonly string[] mimeTypes;

    internal DisplayedValue(CellOutputs outputs, DisplayOutput output, string[] mimeTypes)
    {
        this.outputs = outputs;
        this.output = output;
        this.mimeTypes = mimeTypes;
        DisplayId = Guid.NewGuid().ToString("N");
    }

    public string DisplayId { get; }

    public void Update(object? value) => outputs.Replace(output, Formatter.Format(value, mimeTypes));
}

/// <summary>
/// The names every C# cell sees, as in the .NET Interactive C# kernel: display(x), HTML("..."). The kernel points
/// <see cref="Current"/> at the running cell before each submission.
/// </summary>
public class KernelGlobals
{
    internal CellOutputs? Current { get; set; }

    CellOutputs Outputs => Current ?? throw new InvalidOperationException("display() was called while no cell was running");

    /// <summary>Shows a value below the cell; mimeTypes (e.g. "text/html") restrict the renderings written.</summary>
    public DisplayedValue display(object? value, params string[] mimeTypes)
    {
        var outputs = Outputs;
        var output = new DisplayOutput(Formatter.Format(value, mimeTypes));
        outputs.Add(output);
        return new DisplayedValue(outputs, output, mimeTypes);
    }

    public HtmlString HTML(string html) => new(html);
}
