using System.CommandLine;

namespace Distill.Cli;

/// <summary>Every verb of the CLI; each lives in its own file and is listed here once.</summary>
static class Verbs
{
    public static Command[] All =>
    [
        SummaryCommand.Create(),
        RatiosCommand.Create(),
        TrainCommand.Create(),
        MvDumpCommand.Create(),
    ];
}
