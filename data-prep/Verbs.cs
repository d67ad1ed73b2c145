using System.CommandLine;

namespace DataPrep;

/// <summary>Every verb of data-prep; each lives in its own file and is listed here once.</summary>
static class Verbs
{
    public static Command[] All =>
    [
        FetchCommand.Create(),
        VerifyCommand.Create(),
        MakeCommand.Create(),
        VideoCommand.Create(),
        ReencodeCommand.Create(),
        MakeActionsCommand.Create(),
        MakeVocCommand.Create(),
    ];
}
