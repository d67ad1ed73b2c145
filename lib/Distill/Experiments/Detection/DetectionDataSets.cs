using Distill.Data.Detection;

namespace Distill.Experiments.Detection;

/// <summary>
/// The detection data sets an experiment can name, as train/test splits of a VOC-layout folder under a data root:
/// "voc-scenes" (the generated Fashion-MNIST scenes of <c>data-prep make-voc --out ROOT</c>: ROOT/VOCdevkit/VOCScenes,
/// train/test) and "voc2007" (PASCAL VOC 2007 from <c>data-prep fetch voc2007 --root ROOT</c>:
/// ROOT/voc2007/VOCdevkit/VOC2007, trainval/test, the protocol of Chen et al. 2017). Missing data is reported with
/// the command that makes it.
/// </summary>
public static class DetectionDataSets
{
    public const string Scenes = "voc-scenes";
    public const string Voc2007 = "voc2007";
    public static readonly IReadOnlyList<string> All = [Scenes, Voc2007];

    /// <summary>Where <paramref name="dataSet"/> is looked for when no root is given: data/voc-scenes (what make-voc writes)
    /// or data/ (what fetch voc2007 fills) of the repository, or of $DISTILL_DATA.</summary>
    public static string DefaultRoot(string dataSet) =>
        dataSet == Scenes ? Path.Combine(Data.DataCatalog.DataRoot, Scenes) : Data.DataCatalog.DataRoot;

    /// <summary>The VOC year folder of <paramref name="dataSet"/> under <paramref name="root"/>.</summary>
    public static string Folder(string dataSet, string root) => dataSet switch
    {
        Scenes => Path.Combine(root, "VOCdevkit", "VOCScenes"),
        Voc2007 => Path.Combine(root, "voc2007", "VOCdevkit", "VOC2007"),
        _ => throw new ArgumentException($"Unknown detection data set '{dataSet}'. Known: {string.Join(", ", All)}."),
    };

    /// <summary>Opens the train and test splits, or explains how to make them.</summary>
    public static (VocDataset Train, VocDataset Test) Open(string dataSet, string root)
    {
        var folder = Folder(dataSet, root);
        var (train, test) = dataSet == Scenes ? ("train", "test") : ("trainval", "test");
        var lists = Path.Combine(folder, "ImageSets", "Main");
        if (!File.Exists(Path.Combine(lists, train + ".txt")) || !File.Exists(Path.Combine(lists, test + ".txt")))
            throw new DirectoryNotFoundException(dataSet == Scenes
                ? $"No generated VOC scenes in {folder} (ImageSets/Main/{train}.txt and {test}.txt). Make them with: data-prep make-voc --out {root}"
                : $"PASCAL VOC 2007 is not in {folder}. Fetch it with: data-prep fetch voc2007 --root {root}");
        var trainSet = VocDataset.Open(folder, train);
        return (trainSet, VocDataset.Open(folder, test, trainSet.Classes));
    }
}
