using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Distill.Data.Detection;

/// <summary>Malformed VOC data: the message names the file and what was wrong.</summary>
public sealed class VocFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads and writes PASCAL VOC annotation XML (Everingham et al. 2010): &lt;annotation&gt; with &lt;filename&gt;,
/// &lt;size&gt; (width, height, depth) and one &lt;object&gt; per instance (name, difficult, truncated,
/// bndbox with 1-based xmin, ymin, xmax, ymax).
/// </summary>
public static class VocXml
{
    public static VocAnnotation Read(string path)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Load(path, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new VocFormatException($"{path}: not well-formed XML at line {e.LineNumber}, position {e.LinePosition}: {e.Message}", e);
        }
        var root = doc.Root is { Name.LocalName: "annotation" } r ? r : throw new VocFormatException($"{path}: root element must be <annotation>.");
        var id = Path.GetFileNameWithoutExtension(path);
        var size = Child(path, root, "size");
        int width = Int(path, size, "width"), height = Int(path, size, "height");
        int depth = size.Element("depth") is null ? 3 : Int(path, size, "depth");
        if (width <= 0 || height <= 0) throw new VocFormatException($"{path}: image size {width} x {height} is not positive.");
        if (depth is not (1 or 3)) throw new VocFormatException($"{path}: image depth {depth} is neither 1 (grey) nor 3 (colour).");
        var fileName = root.Element("filename")?.Value.Trim() is { Length: > 0 } f ? f : id + ".jpg";
        if (!IsPlainName(fileName))
            throw new VocFormatException($"{path}: <filename> '{DataFiles.Printable(fileName)}' is not a plain file name inside JPEGImages/ (no folders, '..' or control characters).");

        var objects = new List<VocObject>();
        int index = 0;
        foreach (var obj in root.Elements("object"))
        {
            string where = $"object {index} (line {((IXmlLineInfo)obj).LineNumber})";
            var name = Child(path, obj, "name", where).Value.Trim();
            if (name.Length == 0) throw new VocFormatException($"{path}: {where}: empty <name>.");
            var bndbox = Child(path, obj, "bndbox", where);
            var box = new VocBox(Number(path, bndbox, "xmin", where), Number(path, bndbox, "ymin", where),
                                 Number(path, bndbox, "xmax", where), Number(path, bndbox, "ymax", where));
            if (box.XMax < box.XMin || box.YMax < box.YMin)
                throw new VocFormatException($"{path}: {where}: box ({box.XMin}, {box.YMin}, {box.XMax}, {box.YMax}) has max below min.");
            if (box.XMin < 0 || box.YMin < 0 || box.XMax > width || box.YMax > height)
                throw new VocFormatException($"{path}: {where}: box ({box.XMin}, {box.YMin}, {box.XMax}, {box.YMax}) leaves the {width} x {height} image.");
            bool difficult = obj.Element("difficult") is not null && Int(path, obj, "difficult", where) != 0;
            bool truncated = obj.Element("truncated") is not null && Int(path, obj, "truncated", where) != 0;
            objects.Add(new VocObject(name, box, difficult, truncated));
            index++;
        }
        return new VocAnnotation(id, fileName, width, height, depth, objects);
    }

    /// <summary>
    /// Whether <paramref name="name"/> (an image id or file name) names a file directly inside its folder: no separators,
    /// not "." or "..", no control characters (NUL included), so a path built from it never leaves the data set.
    /// </summary>
    public static bool IsPlainName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.Any(c => c is '/' or '\\' || char.IsControl(c));

    public static void Write(VocAnnotation annotation, string path, string folder = "VOC2007")
    {
        static string N(double v) => v.ToString(CultureInfo.InvariantCulture);
        var doc = new XDocument(new XElement("annotation",
            new XElement("folder", folder),
            new XElement("filename", annotation.FileName),
            new XElement("size", new XElement("width", annotation.Width), new XElement("height", annotation.Height), new XElement("depth", annotation.Depth)),
            new XElement("segmented", 0),
            annotation.Objects.Select(o => new XElement("object",
                new XElement("name", o.Name),
                new XElement("pose", "Unspecified"),
                new XElement("truncated", o.Truncated ? 1 : 0),
                new XElement("difficult", o.Difficult ? 1 : 0),
                new XElement("bndbox", new XElement("xmin", N(o.Box.XMin)), new XElement("ymin", N(o.Box.YMin)),
                                       new XElement("xmax", N(o.Box.XMax)), new XElement("ymax", N(o.Box.YMax)))))));
        var settings = new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true, OmitXmlDeclaration = true };
        using var writer = XmlWriter.Create(path, settings);
        doc.Save(writer);
    }

    static XElement Child(string path, XElement parent, string name, string? where = null) =>
        parent.Element(name) ?? throw new VocFormatException($"{path}: {(where is null ? "" : where + ": ")}missing <{name}> in <{parent.Name.LocalName}>.");

    static double Number(string path, XElement parent, string name, string? where = null)
    {
        var text = Child(path, parent, name, where).Value.Trim();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new VocFormatException($"{path}: {(where is null ? "" : where + ": ")}<{name}> is '{text}', not a number.");
    }

    static int Int(string path, XElement parent, string name, string? where = null)
    {
        double v = Number(path, parent, name, where);
        return v == Math.Floor(v) && Math.Abs(v) < int.MaxValue
            ? (int)v
            : throw new VocFormatException($"{path}: {(where is null ? "" : where + ": ")}<{name}> is {v}, not an integer.");
    }
}
