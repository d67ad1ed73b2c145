using Distill.Data.Detection;

namespace Distill.Tests.Detection;

/// <summary>
/// Issue 15, finding 3: annotation file names and split-list ids never lead outside the VOC folder, and boxes and depths
/// that no image can have are refused; all as <see cref="VocFormatException"/> naming the file.
/// </summary>
public sealed class VocHostileInputTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("voc-hostile-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    static string Annotation(string fileName = "a.jpg", string depth = "3", string box = "<xmin>1</xmin><ymin>1</ymin><xmax>8</xmax><ymax>8</ymax>") =>
        $"<annotation><filename>{fileName}</filename><size><width>10</width><height>10</height><depth>{depth}</depth></size>" +
        $"<object><name>cat</name><bndbox>{box}</bndbox></object></annotation>";

    string WriteAnnotation(string xml)
    {
        var path = Path.Combine(root, "a.xml");
        File.WriteAllText(path, xml);
        return path;
    }

    [Theory]
    [InlineData("/etc/hostname")]
    [InlineData("../../outside.jpg")]
    [InlineData("..")]
    public void AFileNameWithAFolderIsRefused(string fileName)
    {
        var path = WriteAnnotation(Annotation(fileName));
        var e = Assert.Throws<VocFormatException>(() => VocXml.Read(path));
        Assert.Equal($"{path}: <filename> '{fileName}' is not a plain file name inside JPEGImages/ (no folders, '..' or control characters).", e.Message);
    }

    [Theory]
    [InlineData("<xmin>-1e308</xmin><ymin>-1e308</ymin><xmax>1e308</xmax><ymax>1e308</ymax>", "box (-1E+308, -1E+308, 1E+308, 1E+308) leaves the 10 x 10 image")]
    [InlineData("<xmin>1</xmin><ymin>1</ymin><xmax>11</xmax><ymax>8</ymax>", "box (1, 1, 11, 8) leaves the 10 x 10 image")]
    public void BoxesOutsideTheImageAreRefused(string box, string problem)
    {
        var path = WriteAnnotation(Annotation(box: box));
        Assert.Equal($"{path}: object 0 (line 1): {problem}.", Assert.Throws<VocFormatException>(() => VocXml.Read(path)).Message);
    }

    [Fact]
    public void ADepthOfMinusSevenIsRefused()
    {
        var path = WriteAnnotation(Annotation(depth: "-7"));
        Assert.Equal($"{path}: image depth -7 is neither 1 (grey) nor 3 (colour).", Assert.Throws<VocFormatException>(() => VocXml.Read(path)).Message);
    }

    [Fact]
    public void ABoxTouchingTheImageEdgesIsAccepted()
    {
        var path = WriteAnnotation(Annotation(box: "<xmin>0</xmin><ymin>0</ymin><xmax>10</xmax><ymax>10</ymax>"));
        Assert.Equal(new VocBox(0, 0, 10, 10), VocXml.Read(path).Objects[0].Box);
    }

    [Theory]
    [InlineData("/abs/path", "/abs/path")]
    [InlineData("../escape", "../escape")]
    [InlineData("a\0b", "a\\u0000b")]
    public void ASplitListIdThatIsNoPlainNameIsRefused(string id, string shown)
    {
        var main = Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main")).FullName;
        var list = Path.Combine(main, "train.txt");
        File.WriteAllText(list, $"000001\n{id}\n");
        var e = Assert.Throws<VocFormatException>(() => VocDataset.Open(root, "train", ["cat"]));
        Assert.Equal($"{list}: line 2: image id '{shown}' is not a plain file name (no folders, '..' or control characters).", e.Message);
    }
}
