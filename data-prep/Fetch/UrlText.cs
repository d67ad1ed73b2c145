namespace DataPrep.Fetch;

/// <summary>How URLs appear in messages and manifests: signed download links carry secrets in their query string.</summary>
public static class UrlText
{
    /// <summary><paramref name="url"/> without its query string and fragment; "?..." marks a removed query.</summary>
    public static string ForDisplay(this Uri url) =>
        url.GetLeftPart(UriPartial.Path) + (url.Query.Length > 1 ? "?..." : "");
}
