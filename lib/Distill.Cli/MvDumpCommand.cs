using System.CommandLine;
using Distill.Data.Video;

namespace Distill.Cli;

/// <summary>
/// `distill mv-dump VIDEO [--out FILE.csv] [--accept-damaged]`: every motion vector the decoder exports, one CSV row per
/// block as FFmpeg's AVMotionVector describes it (see <see cref="MotionVectorCsv"/>). Files that fail to decode exit
/// with code 1 and an error naming the file; a partly written --out file is removed. Files that decode only because
/// FFmpeg concealed damage are reported with their damaged-frame count and exit with code 2, the CSV kept, unless
/// --accept-damaged is given.
/// </summary>
static class MvDumpCommand
{
    public static Command Create()
    {
        var video = new Argument<FileInfo>("video") { Description = "a compressed video (MPEG-4 Part 2 for CoViAR)" };
        var output = new Option<FileInfo?>("--out") { Description = "CSV file to write (default: standard output)" };
        var accept = new Option<bool>("--accept-damaged") { Description = "exit 0 even when the decoder concealed damaged frames" };
        var command = new Command("mv-dump", "Dump a video's motion vectors as CSV, one row per block") { video, output, accept };
        command.SetAction(parse =>
        {
            var input = parse.GetValue(video)!;
            var target = parse.GetValue(output);
            try
            {
                using var writer = target is null ? Console.Out : new StreamWriter(target.FullName);
                var (frames, vectors, damaged) = MotionVectorCsv.Write(input.FullName, writer);
                if (target is not null) Console.Error.WriteLine($"mv-dump: {frames} frames, {vectors} vectors -> {target.FullName}");
                if (damaged == 0) return 0;
                var text = VideoIndex.DescribeDamage(damaged, frames);
                bool accepted = parse.GetValue(accept);
                Console.Error.WriteLine($"mv-dump: {input.FullName}: {text}" + (accepted ? "; accepted" : "; pass --accept-damaged to accept"));
                return accepted ? 0 : 2;
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
