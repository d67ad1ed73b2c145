namespace Distill.Data.Detection;

/// <summary>
/// One split of a PASCAL VOC year folder (VOCdevkit/VOC2007 or VOC2012): ImageSets/Main/{split}.txt lists the image
/// ids, Annotations/{id}.xml describes each image, JPEGImages/ holds the pictures. Class names are given, or found
/// from the per-class lists ImageSets/Main/{class}_{split}.txt, or else the 20 VOC classes.
/// Labels are 1..C in the order of <see cref="Classes"/>; 0 is background.
/// </summary>
public sealed class VocDataset
{
    /// <summary>The 20 PASCAL VOC object classes, in the devkit's order.</summary>
    public static readonly IReadOnlyList<string> VocClasses =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    readonly Dictionary<string, int> classIndex;

    VocDataset(string root, string split, IReadOnlyList<string> ids, IReadOnlyList<string> classes)
    {
        Root = root;
        Split = split;
        Ids = ids;
        Classes = classes;
        classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i + 1);
    }

    public string Root { get; }
    public string Split { get; }
    public IReadOnlyList<string> Ids { get; }
    public IReadOnlyList<string> Classes { get; }
    public int Count => Ids.Count;

    /// <summary>Opens split <paramref name="split"/> (train, val, trainval, test) of the year folder <paramref name="root"/>.</summary>
    public static VocDataset Open(string root, string split, IReadOnlyList<string>? classes = null)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"VOC folder {root} does not exist.");
        var main = Path.Combine(root, "ImageSets", "Main");
        var listFile = Path.Combine(main, split + ".txt");
        if (!File.Exists(listFile)) throw new FileNotFoundException($"VOC split list {listFile} does not exist.", listFile);
        var lines = File.ReadAllLines(listFile);
        var ids = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var id = lines[i].Trim();
            if (id.Length == 0) continue;
            if (!VocXml.IsPlainName(id))
                throw new VocFormatException($"{listFile}: line {i + 1}: image id '{DataFiles.Printable(id)}' is not a plain file name (no folders, '..' or control characters).");
            ids.Add(id);
        }
        var dupe = ids.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (dupe is not null) throw new VocFormatException($"{listFile}: image id '{dupe.Key}' is listed {dupe.Count()} times.");
        return new VocDataset(root, split, ids, classes ?? DiscoverClasses(main, split));
    }

    /// <summary>Class names from ImageSets/Main/{class}_{split}.txt files, sorted; the VOC 20 if there are none.</summary>
    static IReadOnlyList<string> DiscoverClasses(string main, string split)
    {
        var suffix = "_" + split + ".txt";
        var found = Directory.EnumerateFiles(main, "*" + suffix).Select(f => Path.GetFileName(f)[..^suffix.Length]).Order(StringComparer.Ordinal).ToList();
        return found.Count > 0 ? found : VocClasses;
    }

    /// <summary>The first <paramref name="count"/> images of this split (all when it has fewer): a smoke-sized subset.</summary>
    public VocDataset Take(int count) =>
        count < 0 ? throw new ArgumentOutOfRangeException(nameof(count), count, "must be >= 0")
                  : new VocDataset(Root, Split, Ids.Take(count).ToList(), Classes);

    public string AnnotationPath(string id) => Path.Combine(Root, "Annotations", id + ".xml");

    public VocAnnotation Annotation(int index)
    {
        var path = AnnotationPath(Ids[index]);
        if (!File.Exists(path))
            throw new VocFormatException($"{path}: image id '{Ids[index]}' of {Path.Combine(Root, "ImageSets", "Main", Split + ".txt")} has no annotation file.");
        var annotation = VocXml.Read(path);
        foreach (var o in annotation.Objects)
            if (!classIndex.ContainsKey(o.Name))
                throw new VocFormatException($"{AnnotationPath(Ids[index])}: object class '{o.Name}' is not one of {string.Join(", ", Classes)}.");
        return annotation;
    }

    /// <summary>Label 1..C of a class name.</summary>
    public int Label(string className) => classIndex.TryGetValue(className, out var i)
        ? i
        : throw new ArgumentException($"'{className}' is not a class of {Root} ({string.Join(", ", Classes)}).");

    public string ImagePath(VocAnnotation annotation) => Path.Combine(Root, "JPEGImages", annotation.FileName);

    /// <summary>The image [3, H, W] in [0, 1]; its size must match the annotation's.</summary>
    public TorchSharp.torch.Tensor Image(VocAnnotation annotation)
    {
        var path = ImagePath(annotation);
        var image = ImageCodec.Load(path);
        if (image.shape[1] != annotation.Height || image.shape[2] != annotation.Width)
        {
            var shape = $"{image.shape[2]} x {image.shape[1]}";
            image.Dispose();
            throw new VocFormatException($"{path}: image is {shape} but {AnnotationPath(annotation.Id)} says {annotation.Width} x {annotation.Height}.");
        }
        return image;
    }
}
