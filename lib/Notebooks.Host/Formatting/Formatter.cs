using System.Collections;
using System.Globalization;
using System.Net;
using Notebooks.Host.Kernel;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Formatting;

/// <summary>
/// Turns a value into a mime bundle, like .NET Interactive's formatters: Plotly.NET charts, Deedle frames and
/// series, TorchSharp tensors, PNG images, HTML(...), exceptions; anything else as text. Library types are
/// recognised by their type names, so the host needs no reference to TorchSharp, Deedle or Plotly.NET.
/// </summary>
public static class Formatter
{
    static readonly Func<object, MimeBundle?>[] Rich =
        [ImageFormatter.TryFormat, PlotlyFormatter.TryFormat, DeedleFormatter.TryFormat, TensorFormatter.TryFormat];

    public static MimeBundle Format(object? value, params string[] mimeTypes)
    {
        var bundle = FormatAll(value);
        if (mimeTypes.Length == 0) return bundle;
        var kept = new MimeBundle();
        foreach (var mime in mimeTypes) if (bundle.TryGetValue(mime, out var text)) kept[mime] = text;
        if (!kept.ContainsKey(MimeBundle.Plain)) kept[MimeBundle.Plain] = bundle[MimeBundle.Plain];
        return kept;
    }

    static MimeBundle FormatAll(object? value)
    {
        switch (value)
        {
            case null: return Text("<null>");
            case HtmlString html: return MimeBundle.Of(html.Html, html.Html);
            case string s: return Text(s);
            case Exception e: return Text(e.ToString());
        }
        foreach (var rich in Rich)
            if (rich(value) is { } bundle) return bundle;
        return Text(PlainText(value));
    }

    /// <summary>Plain text shown in a pre block; the HTML rendering is the same text, escaped.</summary>
    public static MimeBundle Text(string text) => MimeBundle.Of($"<pre>{Encode(text)}</pre>", text);

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    static string PlainText(object value) => value switch
    {
        IFormattable number when IsNumber(value) => Number(number),
        IDictionary dictionary => "{" + string.Join(", ", dictionary.Cast<DictionaryEntry>().Take(20)
            .Select(e => $"{PlainText(e.Key)}: {(e.Value is null ? "null" : PlainText(e.Value))}")) + (dictionary.Count > 20 ? ", ..." : "") + "}",
        IEnumerable items when !HasOwnToString(value) => List(items),
        _ => value.ToString() ?? "",
    };

    static string List(IEnumerable items)
    {
        var shown = items.Cast<object?>().Take(21).Select(i => i is null ? "null" : PlainText(i)).ToList();
        return "[" + string.Join(", ", shown.Take(20)) + (shown.Count > 20 ? ", ..." : "") + "]";
    }

    static bool HasOwnToString(object value) =>
        value.GetType().GetMethod("ToString", Type.EmptyTypes)?.DeclaringType is { } t && t != typeof(object) && !t.IsGenericType
        && t.Namespace?.StartsWith("System", StringComparison.Ordinal) != true;

    static bool IsNumber(object value) => value is double or float or decimal or Half;

    /// <summary>Numbers as a researcher wants them in a table: integers plain, others with 4 significant decimals.</summary>
    public static string Number(object? value) => value switch
    {
        null => "",
        double d => Real(d),
        float f => Real(f),
        Half h => Real((double)h),
        decimal m => m.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static string Real(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "∞" : "-∞";
        double a = Math.Abs(d);
        if (a != 0 && (a < 1e-4 || a >= 1e7)) return d.ToString("0.####e+0", CultureInfo.InvariantCulture);
        return d.ToString(a >= 1000 ? "0.##" : "0.####", CultureInfo.InvariantCulture);
    }
}
