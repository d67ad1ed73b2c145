using System.CommandLine;
using System.Diagnostics;
using DataPrep.Video;

namespace DataPrep;

/// <summary>
/// `data-prep make-actions --out DIR`: writes the generated action set (<see cref="ActionSetGenerator"/>), the
/// embedded default for paper 1: MPEG-4 Part 2 clips in UCF-101's folder layout with its three split files, where
/// classes differ by a Fashion-MNIST sprite's category and its motion.
/// </summary>
static class MakeActionsCommand
{
    public static Command Create()
    {
        var defaults = new ActionSetOptions();
        var output = new Option<string>("--out") { Description = "Folder to write the set into", Required = true };
        var motions = new Option<int>("--motions") { Description = $"Motions 1..{ActionClasses.MaxMotions} (right, left, zoom in, turn clockwise, up, down, zoom out, turn counter-clockwise)", DefaultValueFactory = _ => defaults.Motions };
        var appearances = new Option<int>("--appearances") { Description = $"Fashion-MNIST categories 1..{ActionClasses.MaxAppearances}; classes = motions x appearances", DefaultValueFactory = _ => defaults.Appearances };
        var videos = new Option<int>("--videos-per-class") { Description = "Clips per class (>= 3)", DefaultValueFactory = _ => defaults.VideosPerClass };
        var frames = new Option<int>("--frames") { Description = "Frames per clip", DefaultValueFactory = _ => defaults.Frames };
        var width = new Option<int>("--width") { Description = "Frame width (even)", DefaultValueFactory = _ => defaults.Width };
        var height = new Option<int>("--height") { Description = "Frame height (even)", DefaultValueFactory = _ => defaults.Height };
        var speeds = new Option<int>("--speeds") { Description = "1, or 2 to add a fast variant of every motion (up to 160 classes)", DefaultValueFactory = _ => defaults.Speeds };
        var classCount = new Option<int?>("--classes") { Description = "Only the first N classes of motions x appearances x speeds (e.g. 101 with --motions 8 --appearances 10 --speeds 2)" };
        var seed = new Option<int>("--seed") { Description = "Random seed of the content", DefaultValueFactory = _ => defaults.Seed };
        var sprites = new Option<string>("--fashion-mnist") { Description = "Folder with Fashion-MNIST's gzip IDX files", DefaultValueFactory = _ => FashionSprites.DebianFolder };
        var workers = new Option<int>("--workers") { Description = "Parallel encoders", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("make-actions", "Write the generated MPEG-4 action set (UCF-101 layout and splits)")
            { output, motions, appearances, speeds, classCount, videos, frames, width, height, seed, sprites, workers };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                var options = new ActionSetOptions(parse.GetValue(motions), parse.GetValue(appearances), parse.GetValue(videos),
                    parse.GetValue(frames), parse.GetValue(width), parse.GetValue(height), parse.GetValue(seed),
                    Speeds: parse.GetValue(speeds), Classes: parse.GetValue(classCount));
                var clock = Stopwatch.StartNew();
                var generator = new ActionSetGenerator(FashionSprites.Load(parse.GetValue(sprites)!), options, parse.GetValue(workers));
                var classes = options.Classes ?? options.Motions * options.Appearances * options.Speeds;
                var clips = classes * options.VideosPerClass;
                var splits = await ConsoleProgress.RunAsync($"encoding {clips} clips", clips,
                    step => generator.WriteAsync(parse.GetValue(output)!, step, cancel));
                Console.WriteLine($"make-actions: {classes} classes x {options.VideosPerClass} clips of {options.Frames} frames " +
                                  $"({options.Width}x{options.Height}, seed {options.Seed}) in {parse.GetValue(output)}; split 1: " +
                                  $"{splits[0].Train.Count} train / {splits[0].Test.Count} test; {clock.Elapsed.TotalSeconds:F1} s");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException)
            {
                Console.Error.WriteLine($"make-actions: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
