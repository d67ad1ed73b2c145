using Notebooks.Host.Kernel;

namespace Notebooks.Host.Tests;

/// <summary>Polyglot directives taken out of a C# cell before Roslyn compiles it.</summary>
public sealed class DirectiveTests
{
    [Fact]
    public void Packages_paths_sources_and_the_csharp_selector_are_taken_out_keeping_line_numbers()
    {
        var cell = CellDirectives.Parse(
            "#!csharp\n#r \"nuget: Deedle, 8.1.0\"\n#r \"nuget:Plotly.NET\"\n#i \"nuget: /srv/feed\"\n#r \"../lib/Distill.dll\"\nvar x = 1;");
        Assert.Equal([new PackageRequest("Deedle", "8.1.0"), new PackageRequest("Plotly.NET", null)], cell.Packages);
        Assert.Equal(["../lib/Distill.dll"], cell.AssemblyPaths);
        Assert.Equal(["/srv/feed"], cell.PackageSources);
        Assert.Equal("\n\n\n\n\nvar x = 1;", cell.Code);
        Assert.Equal("Deedle, 8.1.0", cell.Packages[0].ToString());
    }

    [Fact]
    public void Magic_commands_of_other_kernels_are_refused_naming_the_line()
    {
        var e = Assert.Throws<DirectiveException>(() => CellDirectives.Parse("var a = 1;\n#!fsharp\nlet b = 2"));
        Assert.Equal(2, e.Line);
        Assert.Equal("line 2: '#!fsharp' is a Polyglot magic command this host does not run (only C# cells and #r/#i directives)", e.Message);
    }
}
