namespace Distill.Data.Detection;

/// <summary>
/// Writes a data set in the PASCAL VOC on-disk layout: Annotations/{id}.xml, JPEGImages/{file},
/// ImageSets/Main/{split}.txt and the per-class lists {class}_{split}.txt (1 present, 0 only difficult, -1 absent).
/// </summary>
public sealed class VocWriter
{
    readonly Dictionary<string, List<VocAnnotation>> splits = new();

    public VocWriter(string root, IReadOnlyList<string> classes)
    {
        Root = root;
        Classes = classes;
        foreach (var dir in new[] { "Annotations", "JPEGImages", Path.Combine("ImageSets", "Main") })
            Directory.CreateDirectory(Path.Combine(root, dir));
    }

    public string Root { get; }
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Writes one image and its annotation and remembers it for the split lists.</summary>
    public void Add(string split, VocAnnotation annotation, SkiaSharp.SKBitmap image)
    {
        ImageCodec.Save(image, Path.Combine(Root, "JPEGImages", annotation.FileName));
        VocXml.Write(annotation, Path.Combine(Root, "Annotations", annotation.Id + ".xml"), Path.GetFileName(Root));
        if (!splits.TryGetValue(split, out var list)) splits[split] = list = [];
        list.Add(annotation);
    }

    /// <summary>Writes the image-set lists of every split added so far.</summary>
    public void WriteImageSets()
    {
        var main = Path.Combine(Root, "ImageSets", "Main");
        foreach (var (split, annotations) in splits)
        {
            File.WriteAllLines(Path.Combine(main, split + ".txt"), annotations.Select(a => a.Id));
            foreach (var cls in Classes)
                File.WriteAllLines(Path.Combine(main, $"{cls}_{split}.txt"), annotations.Select(a =>
                {
                    var mine = a.Objects.Where(o => o.Name == cls).ToList();
                    int flag = mine.Count == 0 ? -1 : mine.All(o => o.Difficult) ? 0 : 1;
                    return $"{a.Id} {flag,2}";
                }));
        }
    }

    /// <summary>
    /// Generates a scene data set from Fashion-MNIST articles: <paramref name="train"/> images in train (and trainval)
    /// made of <paramref name="trainItems"/>, <paramref name="test"/> images in test made of <paramref name="testItems"/>
    /// (the Fashion-MNIST test split, so no article is in both), with per-class lists for the settings' classes. Scene i of a split is seeded by (seed, split, i), so the
    /// same arguments give the same files. Image ids are six digits like VOC's: 0nnnnn for train, 1nnnnn for test.
    /// </summary>
    public static VocWriter WriteScenes(string root, FashionMnistItems trainItems, FashionMnistItems testItems, int train, int test,
                                        int seed = 0, VocSceneSettings? settings = null)
    {
        if (train < 0 || test < 0 || train + test == 0) throw new ArgumentException($"Scene counts must be non-negative and not both 0; got train {train}, test {test}.");
        if (Math.Max(train, test) > 99_999) throw new ArgumentException("At most 99,999 scenes per split (six-digit VOC ids).");
        var writer = new VocWriter(root, (settings ?? new VocSceneSettings()).ClassesDrawn());
        foreach (var (split, count, prefix, items) in new[] { ("train", train, 0, trainItems), ("test", test, 1, testItems) })
        {
            var generator = new VocSceneGenerator(items, settings);
            for (int i = 0; i < count; i++)
            {
                var id = $"{prefix}{i:D5}";
                var (image, annotation) = generator.Generate(id, unchecked(seed * 1_000_003 + prefix * 100_000 + i));
                using (image) writer.Add(split, annotation, image);
            }
        }
        if (writer.splits.TryGetValue("train", out var trainList)) writer.splits["trainval"] = [.. trainList];
        writer.WriteImageSets();
        return writer;
    }
}
