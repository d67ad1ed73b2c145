using System.Text;
using System.Text.RegularExpressions;

namespace Notebooks.Host.Kernel;

/// <summary>A NuGet package a cell asked for with #r "nuget: Name, Version" (Version null: the newest).</summary>
public sealed record PackageRequest(string Name, string? Version)
{
    public override string ToString() => Version is null ? Name : $"{Name}, {Version}";
}

/// <summary>
/// The Polyglot directives of one C# cell, taken out before Roslyn sees the code: #r "nuget: ..." packages,
/// #r "path.dll" references, #i "nuget: source" package sources, and the #!csharp selector.
/// Directive lines become blank lines so compiler positions still match the cell.
/// </summary>
public sealed partial record CellDirectives(string Code, IReadOnlyList<PackageRequest> Packages, IReadOnlyList<string> AssemblyPaths,
    IReadOnlyList<string> PackageSources)
{
    [GeneratedRegex("""^\s*#r\s+"nuget\s*:\s*(?<name>[^,"]+?)\s*(,\s*(?<version>[^"]*?)\s*)?"\s*$""")]
    private static partial Regex NuGetReference();

    [GeneratedRegex("""^\s*#r\s+"(?<path>[^"]+)"\s*$""")]
    private static partial Regex PathReference();

    [GeneratedRegex("""^\s*#i\s+"(nuget\s*:\s*)?(?<source>[^"]+)"\s*$""")]
    private static partial Regex SourceDirective();

    static readonly HashSet<string> CSharpSelectors = ["#!csharp", "#!c#", "#!C#"];

    /// <summary>Splits a cell; throws <see cref="DirectiveException"/> naming the line for anything the host cannot honour.</summary>
    public static CellDirectives Parse(string cell)
    {
        var packages = new List<PackageRequest>();
        var paths = new List<string>();
        var sources = new List<string>();
        var code = new StringBuilder();
        var lines = cell.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (i > 0) code.Append('\n');
            if (trimmed.StartsWith("#r", StringComparison.Ordinal) && NuGetReference().Match(line) is { Success: true } nuget)
                packages.Add(new PackageRequest(nuget.Groups["name"].Value, nuget.Groups["version"].Value is { Length: > 0 } v ? v : null));
            else if (trimmed.StartsWith("#r", StringComparison.Ordinal) && PathReference().Match(line) is { Success: true } path)
                paths.Add(path.Groups["path"].Value);
            else if (trimmed.StartsWith("#i", StringComparison.Ordinal) && SourceDirective().Match(line) is { Success: true } source)
                sources.Add(source.Groups["source"].Value.Trim());
            else if (CSharpSelectors.Contains(trimmed))
                continue;
            else if (trimmed.StartsWith("#!", StringComparison.Ordinal))
                throw new DirectiveException(i + 1, $"'{trimmed}' is a Polyglot magic command this host does not run (only C# cells and #r/#i directives)");
            else
                code.Append(line);
        }
        return new CellDirectives(code.ToString(), packages, paths, sources);
    }
}

/// <summary>A directive line the host cannot honour; <see cref="Line"/> is 1-based within the cell.</summary>
public sealed class DirectiveException(int line, string problem) : Exception($"line {line}: {problem}")
{
    public int Line { get; } = line;
}
