namespace DataPrep.Video;

/// <summary>Reads a whitespace-separated split file line by line (CRLF or LF, blank lines skipped), keeping
/// 1-based line numbers for error messages.</summary>
static class SplitLines
{
    public static IEnumerable<(int Line, string[] Fields)> Read(string file)
    {
        if (!File.Exists(file)) throw new SplitFormatException(file, 0, "file not found");
        var number = 0;
        foreach (var text in File.ReadLines(file))
        {
            number++;
            var fields = text.Split((char[])[' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0) yield return (number, fields);
        }
    }
}
