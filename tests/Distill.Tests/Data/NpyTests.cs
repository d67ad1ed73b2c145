using System.Text;
using Distill.Data;

namespace Distill.Tests.Data;

/// <summary>The .npy header: what numpy.save writes is read back; everything else is refused with the offset.</summary>
public class NpyTests
{
    /// <summary>A version 1.0 array file with the given header dict and data bytes.</summary>
    static MemoryStream Array(string dict, int dataBytes, string magic = "\x93NUMPY")
    {
        var text = dict + "\n";
        var bytes = new List<byte>(Encoding.Latin1.GetBytes(magic)) { 1, 0, (byte)text.Length, (byte)(text.Length >> 8) };
        bytes.AddRange(Encoding.Latin1.GetBytes(text));
        bytes.AddRange(new byte[dataBytes]);
        return new MemoryStream(bytes.ToArray());
    }

    static DataFormatException Refused(MemoryStream s) =>
        Assert.Throws<DataFormatException>(() => Npy.ReadHeader(s, s.Length, "x.npy"));

    [Fact]
    public void ReadsWhatItWrites()
    {
        var s = new MemoryStream();
        double[] values = [1.5, -2.25, 3, 4, 5, 6];
        Npy.Write(s, values, [2, 3]);
        s.Position = 0;
        var header = Npy.ReadHeader(s, s.Length, "x.npy");
        Assert.Equal(128, header.DataOffset); // 10-byte prefix + 60-character dict + newline = 71, padded to 64-byte alignment
        Assert.Equal(new long[] { 2, 3 }, header.Shape);
        Assert.Equal(NpyType.Float64, header.Type);
        Assert.Equal(values, Npy.ReadFloat64(s, header, "x.npy"));
    }

    [Fact]
    public void ParsesNumpysOwnHeaderText()
    {
        var s = Array("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4), }   ", 12);
        var header = Npy.ReadHeader(s, s.Length, "x.npy");
        Assert.Equal((NpyType.UInt8, 12L), (header.Type, header.Count));
    }

    [Fact]
    public void RefusesFortranOrder() =>
        Assert.Contains("Fortran-ordered arrays are not supported", Refused(Array("{'descr': '|u1', 'fortran_order': True, 'shape': (3, 4), }", 12)).Problem);

    [Fact]
    public void RefusesBigEndian() =>
        Assert.Contains("unsupported dtype '>i8'", Refused(Array("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", 16)).Problem);

    [Fact]
    public void RefusesAWrongMagic() =>
        Assert.Equal("offset 0", Refused(Array("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", 3, "PK\x03\x04NU")).Where);

    [Fact]
    public void RefusesGarbageAfterTheDict()
    {
        var e = Refused(Array("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), } rm -rf", 3));
        Assert.Contains("unexpected text after the closing brace", e.Problem);
    }

    [Fact]
    public void RefusesANegativeDimension() =>
        Assert.Contains("non-negative integer dimension expected", Refused(Array("{'descr': '|u1', 'fortran_order': False, 'shape': (-3,), }", 3)).Problem);

    [Fact]
    public void RefusesATruncatedHeader()
    {
        var full = Array("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", 3).ToArray();
        var cut = new MemoryStream(full[..30]);
        Assert.Contains("implausible", Refused(cut).Problem);
    }
}
