using System.CommandLine;
using Distill.Experiments;
using Distill.Runtime;
using Distill.Training;

namespace Distill.Cli;

/// <summary>`distill train config.json...`: runs (or reuses, or resumes) each experiment with a terminal progress bar.</summary>
static class TrainCommand
{
    public static Command Create()
    {
        var configs = new Argument<FileInfo[]>("config") { Description = "Experiment config file(s) (JSON), run in order", Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force") { Description = "Discard stored results and checkpoints of these configs and train afresh" };
        var results = new Option<DirectoryInfo?>("--results") { Description = $"Result store root (default: ${ResultStore.RootVariable} or ./results)" };
        var seeds = new Option<int[]>("--seeds") { Description = "Run each config once per seed and print mean ± std", AllowMultipleArgumentsPerToken = true };
        var command = new Command("train", "Train experiments from config files; finished ones are reused, unfinished ones resume")
        {
            configs, force, results, seeds,
        };
        command.SetAction(parse =>
        {
            try
            {
                return Train(parse, configs, force, results, seeds);
            }
            catch (Exception e) when (e is InvalidDataException or NonFiniteLossException or InvalidOperationException
                                          or ArgumentException or IOException)
            {
                Console.Error.WriteLine($"distill train: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    static int Train(ParseResult parse, Argument<FileInfo[]> configs, Option<bool> force, Option<DirectoryInfo?> results, Option<int[]> seeds)
    {
        var store = parse.GetValue(results) is { } dir ? new ResultStore(dir.FullName) : ResultStore.Default;
        var experiments = parse.GetValue(configs)!.Select(f => Experiment.Load(f.FullName)).ToList();
        TorchRuntime.Initialize(experiments[0].Seed);
        foreach (var e in experiments)
        {
            var seedList = parse.GetValue(seeds) is { Length: > 0 } s ? s : [e.Seed];
            var runs = seedList.Select(seed => TerminalProgress.Run($"{e.Name} (seed {seed})", progress =>
                new ExperimentRunner(store, DataSetCatalog.Resolve) { Force = parse.GetValue(force), Progress = progress }
                    .Run(e.WithSeed(seed)))).ToList();
            foreach (var r in runs)
                Console.WriteLine($"{r.Summary.Name} seed {r.Summary.Seed}: test top-1 {r.Summary.TestTop1:P2}, top-5 {r.Summary.TestTop5:P2}" +
                                  $"{(r.Reused ? " (stored result)" : "")} -> {r.Folder}");
            if (runs.Count > 1) Console.WriteLine(SeedAggregate.Of(runs));
        }
        return 0;
    }
}
