using System.Globalization;
using System.Net;

namespace Distill.Interactive.Formatting;

/// <summary>How a table cell shows a value: integers plain, reals with 4 significant decimals, HTML-escaped.</summary>
static class CellText
{
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

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
