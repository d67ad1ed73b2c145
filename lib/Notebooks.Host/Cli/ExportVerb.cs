using System.CommandLine;
using Notebooks.Host.Run;

namespace Notebooks.Host.Cli;

/// <summary>`notebooks export executed.ipynb [--out folder]`: the HTML report only, nothing is run.</summary>
static class ExportVerb
{
    public static Command Create()
    {
        var notebooks = new Argument<string[]>("notebooks") { Description = "Executed notebooks (.ipynb)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Folder for NAME.html (default: next to the notebook)" };
        var command = new Command("export", "Write the self-contained HTML report of executed notebooks") { notebooks, output };
        command.SetAction(parse =>
        {
            int exit = 0;
            foreach (var path in parse.GetValue(notebooks)!)
            {
                try { Console.WriteLine($"notebooks: {path} -> {NotebookRunner.Export(path, parse.GetValue(output))}"); }
                catch (Exception e) when (e is Notebook.NotebookFormatException or FileNotFoundException)
                {
                    Console.Error.WriteLine($"notebooks: {e.Message}");
                    exit = 2;
                }
            }
            return exit;
        });
        return command;
    }
}
