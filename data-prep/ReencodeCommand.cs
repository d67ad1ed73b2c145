using System.CommandLine;
using DataPrep.Video;

namespace DataPrep;

/// <summary>
/// `data-prep reencode IN OUT`: re-encodes every video under IN (any depth) to MPEG-4 Part 2 as CoViAR does
/// (340x256, q 1, GOP 12, no B-frames; see <see cref="Mpeg4Encoding"/>), mirrored under OUT as .mp4, with parallel
/// workers, a progress bar and resume. Files ffmpeg cannot decode are skipped, counted and listed in
/// OUT/reencode-failures.tsv.
/// </summary>
static class ReencodeCommand
{
    static readonly string[] VideoExtensions = [".avi", ".mp4", ".mkv", ".webm", ".mov", ".mpg", ".mpeg", ".m4v", ".flv"];

    public static Command Create()
    {
        var input = new Argument<string>("in") { Description = "Folder of source videos (e.g. UCF-101/<Class>/*.avi)" };
        var output = new Argument<string>("out") { Description = "Folder for the MPEG-4 copies (same sub-folders, .mp4)" };
        var options = VideoOptions.Create();
        var command = new Command("reencode", "Re-encode videos to MPEG-4 Part 2 as CoViAR does (GOP 12, no B-frames)") { input, output };
        options.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var source = parse.GetValue(input)!;
                if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"input folder not found: {source}");
                var target = parse.GetValue(output)!;
                var jobs = Reencoder.MirrorJobs(source, target, VideoExtensions);
                var reencoder = options.Reencoder(parse);
                var summary = await ConsoleProgress.RunAsync($"re-encoding {jobs.Count} videos", jobs.Count,
                    step => reencoder.RunAsync(jobs, _ => step(), cancel));
                Reencoder.WriteFailureReport(Path.Combine(target, "reencode-failures.tsv"), summary.Failures);
                VideoOptions.Report(summary, Path.Combine(target, "reencode-failures.tsv"));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                Console.Error.WriteLine($"reencode: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
