namespace DataPrep.Video;

/// <summary>
/// HMDB51's splits (Kuehne et al. 2011, test_train_splits.rar, folder testTrainMulti_7030_splits): one file per
/// class and split, &lt;class&gt;_test_split&lt;N&gt;.txt, each line "&lt;video&gt;.avi &lt;flag&gt;" with flag 1 =
/// train, 2 = test, 0 = not used in this split. Classes are numbered in ordinal name order, as in CoViAR's lists.
/// </summary>
public static class HmdbSplits
{
    const string Suffix = "_test_split";

    /// <summary>Reads split <paramref name="number"/> (1..3) from the folder holding the per-class files.</summary>
    public static ActionSplit Read(string folder, int number)
    {
        if (!Directory.Exists(folder)) throw new SplitFormatException(folder, 0, "split folder not found");
        var classes = ClassNames(folder);
        var train = new List<LabeledVideo>();
        var test = new List<LabeledVideo>();
        for (var label = 0; label < classes.Count; label++)
        {
            var file = Path.Combine(folder, $"{classes[label]}{Suffix}{number}.txt");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (line, fields) in SplitLines.Read(file))
            {
                if (fields.Length != 2)
                    throw new SplitFormatException(file, line, $"expected \"<video> <0|1|2>\", found {fields.Length} field(s)");
                if (fields[0].Contains('/'))
                    throw new SplitFormatException(file, line, $"'{fields[0]}' must be a file name without a folder");
                if (!seen.Add(fields[0])) throw new SplitFormatException(file, line, $"'{fields[0]}' is listed twice");
                var video = new LabeledVideo($"{classes[label]}/{fields[0]}", label);
                switch (fields[1])
                {
                    case "1": train.Add(video); break;
                    case "2": test.Add(video); break;
                    case "0": break;
                    default: throw new SplitFormatException(file, line, $"flag '{fields[1]}' is not 0 (unused), 1 (train) or 2 (test)");
                }
            }
            if (seen.Count == 0) throw new SplitFormatException(file, 0, "lists no videos");
        }
        return new ActionSplit(number, classes, train, test);
    }

    /// <summary>Reads all three splits; each class must have all three files.</summary>
    public static IReadOnlyList<ActionSplit> ReadAll(string folder) => [.. UcfSplits.Numbers.Select(n => Read(folder, n))];

    /// <summary>Class names found as &lt;class&gt;_test_split1.txt, in ordinal order.</summary>
    public static IReadOnlyList<string> ClassNames(string folder)
    {
        var names = Directory.EnumerateFiles(folder, $"*{Suffix}1.txt")
            .Select(f => Path.GetFileName(f)[..^($"{Suffix}1.txt".Length)])
            .Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new SplitFormatException(folder, 0, $"no <class>{Suffix}1.txt files");
        return names;
    }
}
