using Distill.Data.Detection;

namespace Distill.Tests.Detection;

public sealed class VocXmlTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("voc-xml-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Write(string name, string xml)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, xml);
        return path;
    }

    const string Devkit = """
        <annotation>
          <folder>VOC2007</folder>
          <filename>000005.jpg</filename>
          <size><width>500</width><height>375</height><depth>3</depth></size>
          <object><name>chair</name><pose>Rear</pose><truncated>0</truncated><difficult>0</difficult>
            <bndbox><xmin>263</xmin><ymin>211</ymin><xmax>324</xmax><ymax>339</ymax></bndbox></object>
          <object><name>chair</name><truncated>1</truncated><difficult>1</difficult>
            <bndbox><xmin>5</xmin><ymin>244</ymin><xmax>67</xmax><ymax>374</ymax></bndbox></object>
          <object><name>person</name>
            <bndbox><xmin>1.5</xmin><ymin>2</ymin><xmax>10</xmax><ymax>20</ymax></bndbox></object>
        </annotation>
        """;

    [Fact]
    public void ReadsDevkitAnnotationWithFlags()
    {
        var a = VocXml.Read(Write("000005.xml", Devkit));
        Assert.Equal(("000005", "000005.jpg", 500, 375, 3), (a.Id, a.FileName, a.Width, a.Height, a.Depth));
        Assert.Equal(3, a.Objects.Count);
        Assert.Equal(new VocObject("chair", new VocBox(263, 211, 324, 339), false, false), a.Objects[0]);
        Assert.Equal(new VocObject("chair", new VocBox(5, 244, 67, 374), true, true), a.Objects[1]);
        Assert.Equal(new VocObject("person", new VocBox(1.5, 2, 10, 20)), a.Objects[2]);
        // 1-based inclusive to 0-based continuous: xmin 263 covers pixel column 262, xmax 324 ends at 324.
        Assert.Equal((262.0, 210.0, 324.0, 339.0), a.Objects[0].Box.ToImage());
    }

    [Fact]
    public void WriteThenReadRoundTrips()
    {
        var original = VocXml.Read(Write("000005.xml", Devkit));
        var path = Path.Combine(dir, "copy.xml");
        VocXml.Write(original with { Id = "copy" }, path);
        var back = VocXml.Read(path);
        Assert.Equal("copy", back.Id);
        Assert.Equal(original.Objects, back.Objects);
        Assert.Equal((original.Width, original.Height), (back.Width, back.Height));
    }

    [Theory]
    [InlineData("<annotation><size><width>5</width>", "not well-formed XML at line")]
    [InlineData("<annot/>", "root element must be <annotation>")]
    [InlineData("<annotation><filename>x.jpg</filename></annotation>", "missing <size> in <annotation>")]
    [InlineData("<annotation><size><width>0</width><height>4</height></size></annotation>", "image size 0 x 4 is not positive")]
    [InlineData("<annotation><size><width>9</width><height>9</height></size><object><name>cat</name></object></annotation>", "object 0 (line 1): missing <bndbox> in <object>")]
    [InlineData("<annotation><size><width>9</width><height>9</height></size><object><name>cat</name><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", "<xmin> is 'a', not a number")]
    [InlineData("<annotation><size><width>9</width><height>9</height></size><object><name>cat</name><bndbox><xmin>5</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", "has max below min")]
    [InlineData("<annotation><size><width>9</width><height>9</height></size><object><name>cat</name><difficult>0.5</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", "<difficult> is 0.5, not an integer")]
    public void BadAnnotationNamesFileAndProblem(string xml, string expected)
    {
        var path = Write("bad.xml", xml);
        var e = Assert.Throws<VocFormatException>(() => VocXml.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
