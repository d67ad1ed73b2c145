namespace DataPrep.Video;

/// <summary>Which split format a data set's split archive holds.</summary>
public enum SplitFormat { Ucf101, Hmdb51 }

/// <summary>One archive of a video data set, with its official URL and an MD5 to check it by, where one is known.</summary>
/// <param name="FileName">The file name on the server and under downloads/.</param>
/// <param name="Url">The official location.</param>
/// <param name="Md5">An MD5 to check the download against, or null where none is published.</param>
public sealed record VideoArchive(string FileName, Uri Url, string? Md5);

/// <summary>
/// A video action-recognition data set as the authors distribute it: a video archive (HMDB51's holds one RAR per
/// class), a split archive, where the videos and split files lie once unpacked, and the split format.
/// </summary>
public sealed record VideoDataset(
    string Name, string Title, VideoArchive Videos, VideoArchive Splits, bool NestedClassArchives,
    string VideoFolder, string SplitFolder, SplitFormat Format)
{
    /// <summary>The same data set with both archives fetched from <paramref name="baseUrl"/> (a mirror or a test server).</summary>
    public VideoDataset At(Uri baseUrl)
    {
        var folder = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        return this with
        {
            Videos = Videos with { Url = new Uri(folder, Videos.FileName) },
            Splits = Splits with { Url = new Uri(folder, Splits.FileName) },
        };
    }

    /// <summary>The splits of this data set, read from the unpacked split folder.</summary>
    public IReadOnlyList<ActionSplit> ReadSplits(string splitFolder) =>
        Format == SplitFormat.Ucf101 ? UcfSplits.ReadAll(splitFolder) : HmdbSplits.ReadAll(splitFolder);
}

/// <summary>
/// UCF-101 (Soomro, Zamir and Shah, arXiv:1212.0402, 2012) and HMDB51 (Kuehne et al., ICCV 2011), the data sets of
/// CoViAR and of multi-teacher KD for compressed video action recognition. Neither group publishes checksums for
/// its archives, so the MD5s are null and each download is accepted when it unpacks and its three splits parse
/// and name videos that exist.
/// </summary>
public static class VideoDatasets
{
    public static readonly VideoDataset Ucf101 = new(
        "ucf101", "UCF-101 (Soomro, Zamir and Shah, arXiv:1212.0402, 2012)",
        new VideoArchive("UCF101.rar", new Uri("https://www.crcv.ucf.edu/data/UCF101/UCF101.rar"), null),
        new VideoArchive("UCF101TrainTestSplits-RecognitionTask.zip",
            new Uri("https://www.crcv.ucf.edu/data/UCF101/UCF101TrainTestSplits-RecognitionTask.zip"), null),
        NestedClassArchives: false, VideoFolder: "UCF-101", SplitFolder: "ucfTrainTestlist", SplitFormat.Ucf101);

    public static readonly VideoDataset Hmdb51 = new(
        "hmdb51", "HMDB51 (Kuehne, Jhuang, Garrote, Poggio and Serre, ICCV 2011)",
        new VideoArchive("hmdb51_org.rar",
            new Uri("http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/hmdb51_org.rar"), null),
        new VideoArchive("test_train_splits.rar",
            new Uri("http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/test_train_splits.rar"), null),
        NestedClassArchives: true, VideoFolder: "videos", SplitFolder: "testTrainMulti_7030_splits", SplitFormat.Hmdb51);

    public static IReadOnlyList<VideoDataset> All => [Ucf101, Hmdb51];

    public static VideoDataset Get(string name) =>
        All.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown video data set '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}");
}
