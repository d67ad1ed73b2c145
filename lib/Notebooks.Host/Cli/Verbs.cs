using System.CommandLine;

namespace Notebooks.Host.Cli;

/// <summary>Every verb of the `notebooks` CLI; each lives in its own file and is listed here once.</summary>
static class Verbs
{
    public static Command[] All => [RunVerb.Create(), ExportVerb.Create()];
}
