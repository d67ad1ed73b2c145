using System.CommandLine;
using Distill.Data.Detection;

namespace DataPrep;

/// <summary>
/// `data-prep make-voc --out DIR --train N --test M [--size S] [--classes a,b,...] [--min-object P] [--max-object P]`: writes the generated detection scenes
/// (Fashion-MNIST articles on cluttered backgrounds, <see cref="VocSceneGenerator"/>) in the PASCAL VOC layout under DIR/VOCdevkit/VOCScenes, the embedded default of the
/// detection-distillation notebook (Chen et al. 2017) and of CI.
/// </summary>
static class MakeVocCommand
{
    public static Command Create()
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder to write VOCdevkit/VOCScenes into", Required = true };
        var train = new Option<int>("--train") { Description = "Training scenes", DefaultValueFactory = _ => 200 };
        var test = new Option<int>("--test") { Description = "Test scenes", DefaultValueFactory = _ => 100 };
        var size = new Option<int>("--size") { Description = "Image side in pixels", DefaultValueFactory = _ => 128 };
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
            outDir, train, test, size, seed, classes, minObject, maxObject, items,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(train), m = parse.GetValue(test), side = parse.GetValue(size);
            if (n < 0 || m < 0 || n + m == 0) { Console.Error.WriteLine($"make-voc: --train {n} --test {m}: counts must be >= 0 and not both 0."); return 2; }
            if (side < 32) { Console.Error.WriteLine($"make-voc: --size {side} is below 32 pixels."); return 2; }
            var root = Path.Combine(parse.GetValue(outDir)!.FullName, "VOCdevkit", "VOCScenes");
            int smallest = parse.GetValue(minObject) ?? Math.Max(side / 10, 8), largest = parse.GetValue(maxObject) ?? Math.Max(side / 2, 16);
            if (smallest < 4 || smallest > largest || largest > side)
            {
                Console.Error.WriteLine($"make-voc: article sides {smallest}..{largest} px must satisfy 4 <= min <= max <= --size {side}.");
                return 2;
            }
            var settings = new VocSceneSettings
            {
                ImageSize = side, MinObjectSize = smallest, MaxObjectSize = largest,
                Classes = parse.GetValue(classes)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
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
            Console.WriteLine($"make-voc: {n} train + {m} test scenes of {side}x{side}, {drawn.Count} classes ({string.Join(", ", drawn)}) in {root}");
            return 0;
        });
        return command;
    }
}
