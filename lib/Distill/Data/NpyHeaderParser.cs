namespace Distill.Data;

/// <summary>
/// Parses the Python dict literal of a .npy header, e.g. <c>{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4), }</c>,
/// strictly: exactly the three keys, string / bool / int-tuple values, nothing but padding after the closing brace.
/// </summary>
static class NpyHeaderParser
{
    public static NpyHeader Parse(string text, string where, long headerStart, long dataOffset)
    {
        var p = new Cursor(text, where, headerStart);
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        p.Expect('{');
        while (!p.TryTake('}'))
        {
            string key = p.String();
            p.Expect(':');
            switch (key)
            {
                case "descr": descr = p.String(); break;
                case "fortran_order": fortran = p.Bool(); break;
                case "shape": shape = p.Tuple(); break;
                default: throw p.Fail($"unexpected header key '{key}'");
            }
            if (!p.TryTake(',')) { p.Expect('}'); break; }
        }
        p.ExpectPaddingToEnd();
        if (descr is null || fortran is null || shape is null)
            throw p.Fail("the header lacks one of 'descr', 'fortran_order', 'shape'");
        if (fortran.Value) throw p.Fail("Fortran-ordered arrays are not supported (save with C order)");
        var type = descr switch
        {
            "|u1" or "<u1" or "u1" => NpyType.UInt8,
            "<i4" => NpyType.Int32,
            "<i8" => NpyType.Int64,
            "<f4" => NpyType.Float32,
            "<f8" => NpyType.Float64,
            _ => throw p.Fail($"unsupported dtype '{descr}' (supported: |u1, <i4, <i8, <f4, <f8)"),
        };
        try
        {
            long bytes = Npy.ItemSize(type);
            foreach (var d in shape) bytes = checked(bytes * d);
        }
        catch (OverflowException)
        {
            throw p.Fail($"shape ({string.Join(", ", shape)}) overflows a 64-bit byte count");
        }
        return new NpyHeader(type, shape, dataOffset);
    }

    sealed class Cursor(string text, string where, long start)
    {
        int at;

        public DataFormatException Fail(string problem) =>
            new(where, DataFormatException.Offset(start + at), $"bad .npy header: {problem} in {Quote(text)}");

        static string Quote(string s) => "\"" + (s.Length > 120 ? s[..120] + "..." : s).Trim() + "\"";

        void SkipSpaces()
        {
            while (at < text.Length && text[at] is ' ' or '\t') at++;
        }

        public bool TryTake(char c)
        {
            SkipSpaces();
            if (at < text.Length && text[at] == c) { at++; return true; }
            return false;
        }

        public void Expect(char c)
        {
            if (!TryTake(c)) throw Fail(at < text.Length ? $"'{c}' expected, found '{text[at]}'" : $"'{c}' expected at the end");
        }

        public string String()
        {
            SkipSpaces();
            if (at >= text.Length || text[at] is not ('\'' or '"')) throw Fail("a quoted string expected");
            char quote = text[at++];
            int end = text.IndexOf(quote, at);
            if (end < 0) throw Fail("unterminated string");
            var s = text[at..end];
            at = end + 1;
            return s;
        }

        public bool Bool()
        {
            SkipSpaces();
            foreach (var (word, value) in new[] { ("True", true), ("False", false) })
                if (string.CompareOrdinal(text, at, word, 0, word.Length) == 0) { at += word.Length; return value; }
            throw Fail("True or False expected");
        }

        public long[] Tuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (!TryTake(')'))
            {
                SkipSpaces();
                int begin = at;
                while (at < text.Length && char.IsAsciiDigit(text[at])) at++;
                if (at == begin || !long.TryParse(text.AsSpan(begin, at - begin), out long d))
                    throw Fail("a non-negative integer dimension expected");
                dims.Add(d);
                if (!TryTake(',')) { Expect(')'); break; }
            }
            return dims.ToArray();
        }

        public void ExpectPaddingToEnd()
        {
            while (at < text.Length && text[at] is ' ' or '\t' or '\n' or '\0') at++;
            if (at != text.Length) throw Fail("unexpected text after the closing brace");
        }
    }
}
