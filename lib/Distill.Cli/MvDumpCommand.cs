using System.CommandLine;
using Distill.Data.Video;

namespace Distill.Cli;

/// <summary>
/// `distill mv-dump VIDEO [--out FILE.csv]`: every motion vector the decoder exports, one CSV row per block as FFmpeg's
/// AVMotionVector describes it (see <see cref="MotionVectorCsv"/>). Damaged files exit with code 1 and an error
/// naming the file; a partly written --out file is removed.
/// </summary>
static class MvDumpCommand
{
    public static Command Create()
    {
        var video = new Argument<FileInfo>("video") { Description = "a compressed video (MPEG-4 Part 2 for CoViAR)" };
        var output = new Option<FileInfo?>("--out") { Description = "CSV file to write (default: standard output)" };
        var command = new Command("mv-dump", "Dump a video's motion vectors as CSV, one row per block") { video, output };
        command.SetAction(parse =>
        {
            var input = parse.GetValue(video)!;
            var target = parse.GetValue(output);
            try
            {
                using var writer = target is null ? Console.Out : new StreamWriter(target.FullName);
                var (frames, vectors) = MotionVectorCsv.Write(input.FullName, writer);
                if (target is not null) Console.Error.WriteLine($"mv-dump: {frames} frames, {vectors} vectors -> {target.FullName}");
                return 0;
            }
            catch (Exception e) when (e is IOException or VideoBackendUnavailableException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"mv-dump: {e.Message}");
                if (target is not null && File.Exists(target.FullName)) File.Delete(target.FullName); // no half-written CSV
                return 1;
            }
        });
        return command;
    }
}
