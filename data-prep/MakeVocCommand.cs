using System.CommandLine;
using Distill.Data.Detection;

namespace DataPrep;

/// <summary>
/// `data-prep make-voc --out DIR --train N --test M [--size S|WxH] [--classes a,b,...] [--min-object P] [--max-object P]
/// [--folder NAME] [--pascal-classes]`: writes the generated detection scenes (Fashion-MNIST articles on cluttered
/// backgrounds, <see cref="VocSceneGenerator"/>) in the PASCAL VOC layout under DIR/VOCdevkit/VOCScenes, the embedded
/// default of the detection-distillation notebook (Chen et al. 2017) and of CI. `--size 500x375 --folder VOC2007
/// --pascal-classes` writes VOC 2007's layout, image size and 20 class names (the paper profile's dry run).
/// </summary>
static class MakeVocCommand
{
    public static Command Create()
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder to write VOCdevkit/VOCScenes into", Required = true };
        var train = new Option<int>("--train") { Description = "Training scenes", DefaultValueFactory = _ => 200 };
        var test = new Option<int>("--test") { Description = "Test scenes", DefaultValueFactory = _ => 100 };
        var size = new Option<string>("--size") { Description = "Image side in pixels (S), or width x height (e.g. 500x375, VOC's usual)", DefaultValueFactory = _ => "128" };
        var yearFolder = new Option<string>("--folder") { Description = "Year folder under VOCdevkit (VOC2007 for the layout the voc2007 data set reads)", DefaultValueFactory = _ => "VOCScenes" };
        var pascal = new Option<bool>("--pascal-classes") { Description = "Name the objects with PASCAL VOC's 20 classes (article k is class k or k+10): the VOC class count, for pipeline checks" };
        var seed = new Option<int>("--seed") { Description = "Seed of the scene generator", DefaultValueFactory = _ => 0 };
        var classes = new Option<string?>("--classes")
        {
            Description = $"Comma-separated Fashion-MNIST classes to draw (default: all ten: {string.Join(",", FashionMnistItems.Classes)})",
        };
        var minObject = new Option<int?>("--min-object") { Description = "Smallest article side in pixels (default: size / 10, at least 8)" };
        var maxObject = new Option<int?>("--max-object") { Description = "Largest article side in pixels (default: size / 2, at least 16)" };
        var items = new Option<DirectoryInfo>("--fashion-mnist")
        {
            Description = "Folder of the Fashion-MNIST .gz IDX files the articles come from",
            DefaultValueFactory = _ => new DirectoryInfo(FashionMnistItems.DefaultFolder),
        };
        var command = new Command("make-voc", "Write generated multi-object detection scenes in the PASCAL VOC layout (JPEG images, XML annotations, image sets)")
        {
            outDir, train, test, size, seed, classes, minObject, maxObject, items, yearFolder, pascal,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(train), m = parse.GetValue(test);
            if (n < 0 || m < 0 || n + m == 0) { Console.Error.WriteLine($"make-voc: --train {n} --test {m}: counts must be >= 0 and not both 0."); return 2; }
            if (ParseSize(parse.GetValue(size)!) is not (int width, int height) || Math.Min(width, height) < 32)
            {
                Console.Error.WriteLine($"make-voc: --size {parse.GetValue(size)} must be S or WxH with sides of at least 32 pixels.");
                return 2;
            }
            var year = parse.GetValue(yearFolder)!;
            if (year.Length == 0 || year.IndexOfAny([.. Path.GetInvalidFileNameChars()]) >= 0 || year is "." or "..")
            {
                Console.Error.WriteLine($"make-voc: --folder '{year}' must be a plain folder name.");
                return 2;
            }
            var root = Path.Combine(parse.GetValue(outDir)!.FullName, "VOCdevkit", year);
            int side = Math.Min(width, height);
            int smallest = parse.GetValue(minObject) ?? Math.Max(side / 10, 8), largest = parse.GetValue(maxObject) ?? Math.Max(side / 2, 16);
            if (smallest < 4 || smallest > largest || largest > side)
            {
                Console.Error.WriteLine($"make-voc: article sides {smallest}..{largest} px must satisfy 4 <= min <= max <= the shorter side {side}.");
                return 2;
            }
            var settings = new VocSceneSettings
            {
                ImageSize = width, ImageHeight = height == width ? null : height, MinObjectSize = smallest, MaxObjectSize = largest,
                Classes = parse.GetValue(classes)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                PascalClasses = parse.GetValue(pascal),
            };
            IReadOnlyList<string> drawn;
            try { drawn = settings.ClassesDrawn(); }
            catch (ArgumentException e) { Console.Error.WriteLine($"make-voc: --classes {parse.GetValue(classes)}: {e.Message}"); return 2; }
            var folder = parse.GetValue(items)!.FullName;
            try
            {
                VocWriter.WriteScenes(root, FashionMnistItems.Load(folder, train: true), FashionMnistItems.Load(folder, train: false), n, m, parse.GetValue(seed), settings);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                Console.Error.WriteLine($"make-voc: {e.Message}");
                return 1;
            }
            Console.WriteLine($"make-voc: {n} train + {m} test scenes of {width}x{height}, {drawn.Count} classes ({string.Join(", ", drawn)}) in {root}");
            return 0;
        });
        return command;
    }

    /// <summary>"S" (square) or "WxH"; null when it is neither.</summary>
    static (int Width, int Height)? ParseSize(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
            return null;
        int w = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        return (w, parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : w);
    }
}
