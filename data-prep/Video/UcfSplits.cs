namespace DataPrep.Video;

/// <summary>
/// UCF-101's recognition splits (Soomro, Zamir and Shah 2012, UCF101TrainTestSplits-RecognitionTask.zip):
/// classInd.txt ("1 ApplyEyeMakeup", 1-based), trainlist0N.txt ("Class/v_Class_g08_c01.avi 1") and
/// testlist0N.txt ("Class/v_Class_g01_c01.avi", the label implied by the folder). The generated action set and
/// the prepared data sets are written in the same format, so one reader serves all of them.
/// </summary>
public static class UcfSplits
{
    /// <summary>The three official splits.</summary>
    public static readonly int[] Numbers = [1, 2, 3];

    /// <summary>Reads classInd.txt and split <paramref name="number"/>'s lists from <paramref name="folder"/>.</summary>
    public static ActionSplit Read(string folder, int number)
    {
        var classes = ReadClassIndex(Path.Combine(folder, "classInd.txt"));
        var index = classes.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i, StringComparer.Ordinal);
        var train = ReadList(Path.Combine(folder, $"trainlist{number:00}.txt"), index, labelled: true);
        var test = ReadList(Path.Combine(folder, $"testlist{number:00}.txt"), index, labelled: false);
        var trainSet = train.Select(v => v.Path).ToHashSet(StringComparer.Ordinal);
        if (test.FirstOrDefault(v => trainSet.Contains(v.Path)) is { } both)
            throw new SplitFormatException(Path.Combine(folder, $"testlist{number:00}.txt"), 0,
                $"{both.Path} is listed for both training and testing in split {number}");
        return new ActionSplit(number, classes, train, test);
    }

    /// <summary>Reads all three splits.</summary>
    public static IReadOnlyList<ActionSplit> ReadAll(string folder) => [.. Numbers.Select(n => Read(folder, n))];

    /// <summary>Class names in label order from classInd.txt; indices must run 1, 2, 3, ... without gaps.</summary>
    public static IReadOnlyList<string> ReadClassIndex(string file)
    {
        var classes = new List<string>();
        foreach (var (line, fields) in SplitLines.Read(file))
        {
            if (fields.Length != 2)
                throw new SplitFormatException(file, line, $"expected \"<index> <class>\", found {fields.Length} field(s)");
            if (!int.TryParse(fields[0], out var index))
                throw new SplitFormatException(file, line, $"class index '{fields[0]}' is not a number");
            if (index != classes.Count + 1)
                throw new SplitFormatException(file, line, $"class index {index} out of order, expected {classes.Count + 1}");
            if (classes.Contains(fields[1], StringComparer.Ordinal))
                throw new SplitFormatException(file, line, $"class '{fields[1]}' is listed twice");
            classes.Add(fields[1]);
        }
        if (classes.Count == 0) throw new SplitFormatException(file, 0, "lists no classes");
        return classes;
    }

    static List<LabeledVideo> ReadList(string file, Dictionary<string, int> classes, bool labelled)
    {
        var videos = new List<LabeledVideo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, fields) in SplitLines.Read(file))
        {
            var expected = labelled ? 2 : 1;
            if (fields.Length != expected)
                throw new SplitFormatException(file, line, labelled
                    ? $"expected \"<Class>/<video> <label>\", found {fields.Length} field(s)"
                    : $"expected \"<Class>/<video>\", found {fields.Length} field(s)");
            var path = fields[0];
            var slash = path.IndexOf('/');
            if (slash <= 0 || slash == path.Length - 1 || path.IndexOf('/', slash + 1) >= 0)
                throw new SplitFormatException(file, line, $"'{path}' is not of the form <Class>/<video>");
            var folder = path[..slash];
            if (!classes.TryGetValue(folder, out var label))
                throw new SplitFormatException(file, line, $"class folder '{folder}' is not in classInd.txt");
            if (labelled)
            {
                if (!int.TryParse(fields[1], out var given) || given < 1 || given > classes.Count)
                    throw new SplitFormatException(file, line, $"label '{fields[1]}' is not a class index 1..{classes.Count}");
                if (given - 1 != label)
                    throw new SplitFormatException(file, line, $"label {given} disagrees with folder '{folder}' (class {label + 1})");
            }
            if (!seen.Add(path)) throw new SplitFormatException(file, line, $"'{path}' is listed twice");
            videos.Add(new LabeledVideo(path, label));
        }
        if (videos.Count == 0) throw new SplitFormatException(file, 0, "lists no videos");
        return videos;
    }

    /// <summary>Writes <paramref name="splits"/> (same classes) as classInd.txt, trainlist0N.txt and testlist0N.txt.</summary>
    public static void Write(string folder, IReadOnlyList<ActionSplit> splits)
    {
        Directory.CreateDirectory(folder);
        var classes = splits[0].Classes;
        if (splits.Any(s => !s.Classes.SequenceEqual(classes)))
            throw new ArgumentException("every split must list the same classes in the same order", nameof(splits));
        File.WriteAllLines(Path.Combine(folder, "classInd.txt"), classes.Select((c, i) => $"{i + 1} {c}"));
        foreach (var split in splits)
        {
            File.WriteAllLines(Path.Combine(folder, $"trainlist{split.Number:00}.txt"),
                split.Train.Select(v => $"{v.Path} {v.Label + 1}"));
            File.WriteAllLines(Path.Combine(folder, $"testlist{split.Number:00}.txt"), split.Test.Select(v => v.Path));
        }
    }
}
