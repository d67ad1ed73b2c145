using System.CommandLine;
using Deedle;
using Distill.Reporting;
using Distill.Reports;
using Distill.Runtime;

namespace Distill.Cli;

/// <summary>
/// `distill ratios`: the teacher / student parameter and computation ratios the papers state next to those the zoo's
/// variants measure (see <see cref="PaperRatios"/>).
/// </summary>
static class RatiosCommand
{
    public static Command Create()
    {
        var command = new Command("ratios", "Stated vs measured teacher/student compression ratios of the papers' model pairs.");
        command.SetAction(_ =>
        {
            TorchRuntime.Initialize(quiet: true);
            ModelTables.PaperRatios().Print();
            return 0;
        });
        return command;
    }
}
