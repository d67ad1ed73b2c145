namespace Distill.Data.Video;

/// <summary>One video of an action split: its full path and 0-based class.</summary>
public sealed record ActionVideo(string Path, int Label);

/// <summary>One train/test split of an action recognition set: class names in label order, the labelled videos.</summary>
public sealed record VideoSplit(string Root, int Number, IReadOnlyList<string> Classes,
    IReadOnlyList<ActionVideo> Train, IReadOnlyList<ActionVideo> Test);

/// <summary>
/// Reads the UCF-101 split format (Soomro et al. 2012), which data-prep also writes for HMDB51 and the generated action
/// set: classInd.txt ("1 ApplyEyeMakeup"), trainlist0N.txt ("Class/video.mp4 1") and testlist0N.txt ("Class/video.mp4",
/// the class given by the folder). Two layouts are recognised under a data-set root: the generated set
/// (root/ucfTrainTestlist/, videos under root/) and a prepared set (root/splits/, videos under root/mpeg4_videos/).
/// Errors name the file and line.
/// </summary>
public static class ActionSplits
{
    /// <summary>Folder of the split files in the generated set's layout (as UCF-101's own zip names it).</summary>
    public const string GeneratedSplitFolder = "ucfTrainTestlist";

    /// <summary>Split files and videos of a set prepared by `data-prep video ucf101|hmdb51`.</summary>
    public const string PreparedSplitFolder = "splits", PreparedVideoFolder = "mpeg4_videos";

    /// <summary>True when <paramref name="root"/> holds split files in either layout.</summary>
    public static bool Exists(string root) =>
        File.Exists(Path.Combine(root, GeneratedSplitFolder, "classInd.txt")) ||
        File.Exists(Path.Combine(root, PreparedSplitFolder, "classInd.txt"));

    /// <summary>Split <paramref name="number"/> (1..3) of the set under <paramref name="root"/>.</summary>
    public static VideoSplit Read(string root, int number = 1)
    {
        if (number is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(number), number, "UCF-101 and HMDB51 have splits 1, 2 and 3");
        var (splitFolder, videoFolder) = Directory.Exists(Path.Combine(root, GeneratedSplitFolder))
            ? (Path.Combine(root, GeneratedSplitFolder), root)
            : (Path.Combine(root, PreparedSplitFolder), Path.Combine(root, PreparedVideoFolder));
        if (!Directory.Exists(splitFolder))
            throw new DatasetNotFoundException(
                $"{root}: no split files ({GeneratedSplitFolder}/ or {PreparedSplitFolder}/). Generate the action set with " +
                $"`data-prep make-actions --out {root}` or prepare UCF-101/HMDB51 with `data-prep video ucf101|hmdb51 --root DIR`.");
        var classes = ReadClasses(Path.Combine(splitFolder, "classInd.txt"));
        var byName = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var train = ReadList(Path.Combine(splitFolder, $"trainlist{number:00}.txt"), byName, videoFolder, labelled: true);
        var test = ReadList(Path.Combine(splitFolder, $"testlist{number:00}.txt"), byName, videoFolder, labelled: false);
        return new VideoSplit(root, number, classes, train, test);
    }

    static IReadOnlyList<string> ReadClasses(string file)
    {
        var classes = new List<string>();
        foreach (var (line, fields) in Lines(file))
        {
            if (fields.Length != 2 || !int.TryParse(fields[0], out var index))
                throw new DataFormatException(file, $"line {line}", "expected \"<index> <class>\"");
            if (index != classes.Count + 1)
                throw new DataFormatException(file, $"line {line}", $"class index {index}, expected {classes.Count + 1}");
            classes.Add(fields[1]);
        }
        if (classes.Count == 0) throw new DataFormatException(file, "", "lists no classes");
        return classes;
    }

    static IReadOnlyList<ActionVideo> ReadList(string file, Dictionary<string, int> classes, string videoFolder, bool labelled)
    {
        var videos = new List<ActionVideo>();
        foreach (var (line, fields) in Lines(file))
        {
            if (fields.Length != (labelled ? 2 : 1))
                throw new DataFormatException(file, $"line {line}", labelled ? "expected \"<Class>/<video> <label>\"" : "expected \"<Class>/<video>\"");
            int slash = fields[0].IndexOf('/');
            if (slash <= 0 || !classes.TryGetValue(fields[0][..slash], out var label))
                throw new DataFormatException(file, $"line {line}", $"'{fields[0]}' is not in a class folder listed in classInd.txt");
            if (labelled && (!int.TryParse(fields[1], out var given) || given != label + 1))
                throw new DataFormatException(file, $"line {line}", $"label '{fields[1]}' disagrees with folder '{fields[0][..slash]}' (class {label + 1})");
            videos.Add(new ActionVideo(Path.Combine(videoFolder, fields[0]), label));
        }
        if (videos.Count == 0) throw new DataFormatException(file, "", "lists no videos");
        return videos;
    }

    static IEnumerable<(int Line, string[] Fields)> Lines(string file)
    {
        if (!File.Exists(file)) throw new DatasetNotFoundException($"{file} not found");
        int line = 0;
        foreach (var text in File.ReadLines(file))
        {
            line++;
            var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0) yield return (line, fields);
        }
    }
}
