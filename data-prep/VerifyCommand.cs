using System.CommandLine;
using DataPrep.Fetch;

namespace DataPrep;

/// <summary><c>data-prep verify</c>: re-hash fetched sets and their archives against published and recorded checksums.</summary>
static class VerifyCommand
{
    public static Command Create()
    {
        var datasets = new Argument<string[]>("datasets")
        {
            Description = "Data sets to verify; all fetched ones under ROOT when none are named.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var root = FetchCommand.RootOption();
        var command = new Command("verify",
            "Re-hash every file of fetched data sets against the SHA-256 in ROOT/NAME/fetch-manifest.json, check the required "
            + "files' sizes and structure, and check each archive still under ROOT/downloads/NAME against its published checksum "
            + "(MD5 for CIFAR and Fashion-MNIST) or, for imagenet64, whose authors publish none, against the SHA-256 recorded on "
            + "first fetch. Exits with 1 when anything differs.")
        { datasets, root };
        command.SetAction((parse, cancel) => RunAsync(DatasetCatalog.Official, parse.GetValue(datasets) ?? [], parse.GetValue(root)!,
            FetchReporters.ForConsole(parse.InvocationConfiguration.Output), parse.InvocationConfiguration.Error, cancel));
        return command;
    }

    /// <summary>Verifies <paramref name="names"/> (or every fetched set) under <paramref name="root"/>; 0 when all pass.</summary>
    public static async Task<int> RunAsync(DatasetCatalog catalog, IReadOnlyList<string> names, string root,
        IFetchReporter reporter, TextWriter error, CancellationToken cancel = default)
    {
        var layout = new DataLayout(root);
        List<DatasetSource> sources;
        try
        {
            sources = names.Count > 0
                ? [.. names.Select(catalog.Get).DistinctBy(s => s.Name)]
                : [.. catalog.All.Where(s => Directory.Exists(layout.DatasetFolder(s.Name)))];
        }
        catch (FetchException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        if (sources.Count == 0)
        {
            await error.WriteLineAsync($"error: no fetched data sets under {Path.GetFullPath(root)}; name one, or run 'data-prep fetch' first.");
            return 1;
        }

        var verifier = new DatasetVerifier(layout, reporter);
        int failed = 0;
        foreach (var source in sources)
        {
            List<string> problems;
            try
            {
                problems = await verifier.VerifyAsync(source, cancel);
            }
            catch (Exception ex) when (ex is FetchException or IOException or UnauthorizedAccessException)
            {
                problems = [ex.Message];
            }
            if (problems.Count == 0)
            {
                reporter.Info($"{source.Name}: OK");
                continue;
            }
            failed++;
            await error.WriteLineAsync($"error: {source.Name}: FAILED");
            foreach (var problem in problems) await error.WriteLineAsync($"  {problem}");
        }
        return failed == 0 ? 0 : 1;
    }
}
