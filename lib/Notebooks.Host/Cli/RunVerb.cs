using System.CommandLine;
using Notebooks.Host.Parameters;
using Notebooks.Host.Run;

namespace Notebooks.Host.Cli;

/// <summary>`notebooks run a.ipynb b.ipynb --out reports/ [--param K=V]... [--profile smoke|cpu|paper]` (cpu: notebook 02 only).</summary>
static class RunVerb
{
    public static Command Create()
    {
        var notebooks = new Argument<string[]>("notebooks") { Description = "Notebooks to run (.ipynb or .dib)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for NAME.ipynb and NAME.html", DefaultValueFactory = _ => "reports" };
        var parameters = new Option<string[]>("--param") { Description = "Override a default of the cell tagged 'parameters': Name=Value" };
        var profile = new Option<string?>("--profile") { Description = "Sets the Profile parameter" };
        profile.AcceptOnlyFromAmong(NotebookParameters.Profiles);
        var command = new Command("run", "Run notebooks top to bottom; write the executed .ipynb and a self-contained HTML report")
        {
            notebooks, output, parameters, profile,
        };
        command.SetAction(async (parse, cancel) =>
        {
            Dictionary<string, string> overrides;
            try { overrides = NotebookParameters.ParseOverrides(parse.GetValue(parameters) ?? [], parse.GetValue(profile)); }
            catch (ParameterException e) { Console.Error.WriteLine($"notebooks: {e.Message}"); return 2; }
            // The kernel captures Console.Out/Error while a cell runs (and an interrupted cell never finishes): the CLI's own
            // lines go straight to the process's standard streams.
            var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
            var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
            int exit = 0;
            foreach (var path in parse.GetValue(notebooks)!)
            {
                try
                {
                    var result = await NotebookRunner.RunAsync(path, parse.GetValue(output)!, overrides, stdout, cancel);
                    if (result.Succeeded) stdout.WriteLine($"notebooks: {path} -> {result.NotebookPath}, {result.ReportPath}");
                    else if (result.Interrupted)
                    {
                        stderr.WriteLine($"notebooks: {path} interrupted in cell {result.FailedCellId}; what ran is in {result.ReportPath}");
                        return 130;
                    }
                    else
                    {
                        stderr.WriteLine($"notebooks: {path} failed in cell {result.FailedCellId}; see {result.ReportPath} (the last good report, if any, is untouched)");
                        exit = 1;
                    }
                }
                catch (Exception e) when (e is ParameterException or Notebook.NotebookFormatException or FileNotFoundException)
                {
                    stderr.WriteLine($"notebooks: {e.Message}");
                    exit = 2;
                }
            }
            return exit;
        });
        return command;
    }
}
