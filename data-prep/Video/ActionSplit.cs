namespace DataPrep.Video;

/// <summary>One video of an action data set: its path relative to the video folder ("Class/name.avi") and its
/// 0-based class index.</summary>
public sealed record LabeledVideo(string Path, int Label);

/// <summary>
/// One official train/test split of an action recognition data set (UCF-101 and HMDB51 each have three):
/// the class names in label order and the labelled train and test videos.
/// </summary>
public sealed record ActionSplit(int Number, IReadOnlyList<string> Classes, IReadOnlyList<LabeledVideo> Train,
    IReadOnlyList<LabeledVideo> Test)
{
    /// <summary>Every video the split names, train first, each once.</summary>
    public IEnumerable<string> AllPaths => Train.Concat(Test).Select(v => v.Path).Distinct(StringComparer.Ordinal);

    /// <summary>The same split with each path mapped by <paramref name="map"/> and videos mapped to null dropped.</summary>
    public ActionSplit Select(Func<string, string?> map) => this with
    {
        Train = [.. Train.Select(v => map(v.Path) is { } p ? v with { Path = p } : null).OfType<LabeledVideo>()],
        Test = [.. Test.Select(v => map(v.Path) is { } p ? v with { Path = p } : null).OfType<LabeledVideo>()],
    };
}

/// <summary>A split file that does not follow its data set's format; the message names the file and line.</summary>
public sealed class SplitFormatException(string file, int line, string problem)
    : Exception(line > 0 ? $"{file}, line {line}: {problem}" : $"{file}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
}
