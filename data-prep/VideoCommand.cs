using System.CommandLine;
using DataPrep.Video;

namespace DataPrep;

/// <summary>
/// `data-prep video ucf101|hmdb51 --root DIR`: downloads the official archives, unpacks them with unar, parses the
/// three official splits and re-encodes every video to MPEG-4 Part 2 as CoViAR does (see
/// <see cref="VideoPreparation"/>). Run it again to resume. --base-url fetches from a mirror instead.
/// </summary>
static class VideoCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "ucf101 or hmdb51" };
        dataset.AcceptOnlyFromAmong([.. VideoDatasets.All.Select(d => d.Name)]);
        var root = new Option<string>("--root") { Description = "Data root; the set goes to <root>/<dataset>/", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "Fetch both archives from this folder URL instead of the official one" };
        var options = VideoOptions.Create();
        var command = new Command("video", "Download, unpack, split and re-encode UCF-101 or HMDB51 for compressed-domain training")
            { dataset, root, baseUrl };
        options.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var set = VideoDatasets.Get(parse.GetValue(dataset)!);
                if (parse.GetValue(baseUrl) is { } mirror)
                    set = set.At(Uri.TryCreate(mirror, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                        ? url : throw new ArgumentException($"--base-url '{mirror}' is not an absolute http(s) URL"));
                using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                var preparation = new VideoPreparation(http, options.Reencoder(parse), Console.Out);
                var unpacked = await preparation.UnpackAsync(set, parse.GetValue(root)!, cancel);
                var jobs = unpacked.Jobs.Count;
                var prepared = await ConsoleProgress.RunAsync($"{set.Name}: re-encoding {jobs} videos", jobs,
                    step => preparation.ReencodeAsync(unpacked, _ => step(), cancel));
                VideoOptions.Report(prepared.Reencode, Path.Combine(parse.GetValue(root)!, set.Name, "reencode-failures.tsv"));
                Console.WriteLine($"{set.Name}: videos in {prepared.VideoFolder}, splits in {prepared.SplitFolder}" +
                                  (prepared.DroppedFromSplits > 0 ? $" ({prepared.DroppedFromSplits} split entries dropped: video failed)" : ""));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException
                                          or InvalidOperationException or HttpRequestException or SplitFormatException)
            {
                Console.Error.WriteLine($"video: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
