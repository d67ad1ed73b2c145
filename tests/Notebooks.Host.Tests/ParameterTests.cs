using Notebooks.Host.Notebook;
using Notebooks.Host.Parameters;

namespace Notebooks.Host.Tests;

/// <summary>Papermill-style parameters: typed from the parameters cell's defaults, validated, with clear errors.</summary>
public sealed class ParameterTests
{
    static Notebook.Notebook WithDefaults(string source)
    {
        var notebook = new Notebook.Notebook();
        notebook.Cells.Add(Cell.NewMarkdown("# Title"));
        notebook.Cells.Add(TestNotebooks.Code(source, NotebookParameters.Tag));
        notebook.Cells.Add(TestNotebooks.Code("Console.WriteLine(Epochs);"));
        return notebook;
    }

    [Fact]
    public void Defaults_are_typed_from_declarations_and_var_literals()
    {
        var defaults = NotebookParameters.Defaults(TestNotebooks.Code(
            "int Epochs = 30; // full schedule\nvar Lr = 0.1;\nvar Steps = 100;\nvar Name = \"cifar\";\nvar Alpha = 0.5f;\nbool Augment = true;\nstring Profile = \"paper\";"));
        Assert.Equal(["Epochs int", "Lr double", "Steps int", "Name string", "Alpha float", "Augment bool", "Profile string"],
            defaults.Select(d => $"{d.Name} {d.Type}"));
    }

    [Theory]
    [InlineData("int", "12", "12")]
    [InlineData("double", "3", "3.0")]
    [InlineData("double", "1e-3", "0.001")]
    [InlineData("float", "0.5", "0.5f")]
    [InlineData("long", "7", "7L")]
    [InlineData("bool", "false", "false")]
    [InlineData("string", "say \"hi\"", "\"say \\\"hi\\\"\"")]
    public void Values_become_csharp_literals_of_the_declared_type(string type, string text, string literal) =>
        Assert.Equal(literal, NotebookParameters.Literal("P", type, text));

    [Theory]
    [InlineData("int", "2.5")]
    [InlineData("int", "ten")]
    [InlineData("bool", "yes")]
    [InlineData("double", "0,1")]
    public void Values_that_do_not_parse_are_rejected_naming_the_parameter_and_type(string type, string text)
    {
        var e = Assert.Throws<ParameterException>(() => NotebookParameters.Literal("P", type, text));
        Assert.Equal($"--param P={text}: not a valid {type} (the parameters cell declares P as {type})", e.Message);
    }

    [Fact]
    public void Overrides_go_into_an_injected_cell_right_after_the_parameters_cell()
    {
        var notebook = WithDefaults("int Epochs = 30;\ndouble Lr = 0.1;");
        var cell = NotebookParameters.Inject(notebook, NotebookParameters.ParseOverrides(["Epochs=2", "Lr=0.05"], "smoke"), "test")!;
        Assert.Same(cell, notebook.Cells[2]);
        Assert.Equal(["injected-parameters"], cell.Tags);
        Assert.EndsWith("int Epochs = 2;\ndouble Lr = 0.05;\nstring Profile = \"smoke\";", cell.Source);

        NotebookParameters.Inject(notebook, NotebookParameters.ParseOverrides(["Epochs=3"], null), "test");
        Assert.Single(notebook.Cells, c => c.Tags.Contains(NotebookParameters.InjectedTag));
        Assert.Equal(4, notebook.Cells.Count);
    }

    [Fact]
    public void Undeclared_parameters_and_unknown_profiles_are_errors()
    {
        var notebook = WithDefaults("int Epochs = 30;\ndouble Lr = 0.1;");
        var e = Assert.Throws<ParameterException>(() => NotebookParameters.Inject(notebook, new Dictionary<string, string> { ["Epoch"] = "2" }, "test"));
        Assert.Equal("--param Epoch: not declared in the parameters cell (it declares: Epochs, Lr)", e.Message);
        var p = Assert.Throws<ParameterException>(() => NotebookParameters.ParseOverrides([], "fast"));
        Assert.Equal("--profile fast: expected one of smoke, cpu, cpu-full, paper", p.Message);
        var eq = Assert.Throws<ParameterException>(() => NotebookParameters.ParseOverrides(["Epochs"], null));
        Assert.Equal("--param Epochs: expected Name=Value", eq.Message);
    }

    [Fact]
    public async Task The_cli_refuses_bad_values_before_running_anything()
    {
        var folder = TestNotebooks.ScratchFolder("params");
        try
        {
            var path = Path.Combine(folder, "p.ipynb");
            Ipynb.Write(WithDefaults("int Epochs = 30;"), path);
            Assert.Equal(2, await TestNotebooks.Cli("run", path, "--out", folder, "--param", "Epochs=many"));
            Assert.NotEqual(0, await TestNotebooks.Cli("run", path, "--out", folder, "--profile", "fast"));
            Assert.Equal(["p.ipynb"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
