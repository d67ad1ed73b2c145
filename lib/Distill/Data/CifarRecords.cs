namespace Distill.Data;

/// <summary>
/// The record layout shared by the CIFAR-10 and CIFAR-100 binary versions (Krizhevsky 2009): label byte(s) then
/// 3072 pixel bytes, the red, green and blue 32x32 planes in row-major order.
/// </summary>
static class CifarRecords
{
    public const int Side = 32;
    public const int PixelBytes = 3 * Side * Side;

    /// <summary>
    /// Records of a whole file, which must hold exactly <paramref name="expectedRecords"/>. With two label bytes the
    /// first is the coarse label, the second the fine one.
    /// </summary>
    public static (byte[] Pixels, long[] Labels, long[]? Coarse) Read(string path, int labelBytes, int numClasses, int numCoarse, long expectedRecords)
    {
        var bytes = DataFiles.ReadNonEmpty(path);
        int recordBytes = labelBytes + PixelBytes;
        if (bytes.Length % recordBytes != 0)
        {
            long whole = bytes.Length / recordBytes;
            throw new DataFormatException(path, DataFormatException.Record(whole, whole * recordBytes),
                $"the file is {bytes.Length} bytes, not a whole number of {recordBytes}-byte records: the last record is cut short " +
                $"after {bytes.Length % recordBytes} bytes");
        }
        int n = bytes.Length / recordBytes;
        if (n != expectedRecords)
            throw new DataFormatException(path, "",
                $"the file holds {n} records where {expectedRecords} are expected (records added or removed; stand-ins declare their counts in {RecordCounts.FileName})");
        var pixels = new byte[(long)n * PixelBytes];
        var labels = new long[n];
        var coarse = labelBytes == 2 ? new long[n] : null;
        for (int i = 0; i < n; i++)
        {
            int at = i * recordBytes;
            int fine = bytes[at + labelBytes - 1];
            if (fine >= numClasses)
                throw new DataFormatException(path, DataFormatException.Record(i, at + labelBytes - 1),
                    $"label {fine} is outside 0..{numClasses - 1}");
            labels[i] = fine;
            if (coarse is not null)
            {
                if (bytes[at] >= numCoarse)
                    throw new DataFormatException(path, DataFormatException.Record(i, at),
                        $"coarse label {bytes[at]} is outside 0..{numCoarse - 1}");
                coarse[i] = bytes[at];
            }
            Buffer.BlockCopy(bytes, at + labelBytes, pixels, i * PixelBytes, PixelBytes);
        }
        return (pixels, labels, coarse);
    }

    /// <summary>Writes images [start, start+count) of a 3x32x32 split as records of one file.</summary>
    public static void Write(string path, ImageSplit split, int start, int count, bool withCoarse)
    {
        if (split.Channels != 3 || split.Height != Side || split.Width != Side)
            throw new ArgumentException($"CIFAR records hold 3x32x32 images, not {split.Channels}x{split.Height}x{split.Width}.");
        if (withCoarse && split.CoarseLabels is null) throw new ArgumentException("CIFAR-100 records need coarse labels.");
        int labelBytes = withCoarse ? 2 : 1;
        var record = new byte[labelBytes + PixelBytes];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (int i = start; i < start + count; i++)
        {
            if (withCoarse) record[0] = checked((byte)split.CoarseLabels![i]);
            record[labelBytes - 1] = checked((byte)split.Labels[i]);
            split.Image(i).CopyTo(record.AsSpan(labelBytes));
            file.Write(record);
        }
    }
}
