using System.Text;
using System.Text.RegularExpressions;
using Distill.Data.Detection;
using Xunit.Abstractions;

namespace Distill.Tests.Fuzz;

/// <summary>
/// Issue 15's fuzz suite for PASCAL VOC: seeded mutations of three annotation files and the split list (byte damage,
/// forged numbers, hostile file names and ids, entity declarations). Every input ends in success or a
/// <see cref="VocFormatException"/> naming a file of the data set, and no accepted path leaves the data set's folder.
/// </summary>
public sealed class VocFuzzTests(ITestOutputHelper output)
{
    static readonly string[] ForgedNumbers = ["-1e308", "1e308", "NaN", "-7", "0", "99999999999", "1.5", "-0", "1e-320", "0x10", ""];
    static readonly string[] HostileNames = ["/etc/hostname", "../../outside.jpg", "..", ".", "a/b.jpg", "..\\x.jpg", "&#x1;.jpg", "&#0;", "/abs/path"];

    /// <summary>VOC text with one hostile edit: a number, the file name, a split-list id, or an entity-expanding DOCTYPE.</summary>
    static string Forge(string text, bool isList, Random rng)
    {
        if (isList)
        {
            var lines = text.Split('\n').ToList();
            lines.Insert(rng.Next(lines.Count + 1), HostileNames[rng.Next(HostileNames.Length)].Replace("&#0;", "a\0b").Replace("&#x1;", "\u0001"));
            return string.Join('\n', lines);
        }
        switch (rng.Next(3))
        {
            case 0:
                var numbers = Regex.Matches(text, @">(-?[0-9.]+)<");
                if (numbers.Count == 0) return text;
                var g = numbers[rng.Next(numbers.Count)].Groups[1];
                return text[..g.Index] + ForgedNumbers[rng.Next(ForgedNumbers.Length)] + text[(g.Index + g.Length)..];
            case 1:
                return Regex.Replace(text, "<filename>[^<]*</filename>", $"<filename>{HostileNames[rng.Next(HostileNames.Length)]}</filename>");
            default:
                const string laughs = "<!DOCTYPE annotation [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>";
                return laughs + text.Replace("<name>cat</name>", "<name>&c;</name>");
        }
    }

    [Fact]
    public void VocAnnotationsAndSplitList()
    {
        using var target = new FuzzTarget("voc");
        var annotations = Directory.CreateDirectory(Path.Combine(target.Root, "Annotations")).FullName;
        var main = Directory.CreateDirectory(Path.Combine(target.Root, "ImageSets", "Main")).FullName;
        string[] ids = ["000001", "000002", "000003"];
        for (int i = 0; i < ids.Length; i++)
            VocXml.Write(new VocAnnotation(ids[i], ids[i] + ".jpg", 64 + i, 48, 3,
                [new VocObject("cat", new VocBox(1 + i, 2, 30, 40)), new VocObject("dog", new VocBox(5, 6, 60, 47.5), Difficult: i == 1)]),
                Path.Combine(annotations, ids[i] + ".xml"));
        File.WriteAllText(Path.Combine(main, "train.txt"), string.Join('\n', ids) + "\n");
        target.Snapshot();

        var figures = FuzzRun.Run("VOC", FuzzRun.Inputs(), k =>
        {
            var m = new Mutator(k);
            var file = target.Files[m.Random.Next(target.Files.Count)];
            var original = target.Original(file);
            var (bytes, kind) = m.Random.Next(2) == 0
                ? (Encoding.UTF8.GetBytes(Forge(Encoding.UTF8.GetString(original), file.EndsWith(".txt"), m.Random)), "forge-text")
                : m.Mutate(original, []);
            File.WriteAllBytes(file, bytes);
            return new FuzzRun.Input(kind, target.TotalBytes - original.Length + bytes.Length);
        }, () => ReadAll(target), e => e is VocFormatException && target.Inside(e.Message[..e.Message.IndexOf(": ", StringComparison.Ordinal)]),
        target.Restore, output);
        Assert.InRange(figures.CleanErrors, 1, figures.Inputs - 1);
    }

    /// <summary>Opens the split and reads every annotation; each path the data set would open must stay inside it.</summary>
    static void ReadAll(FuzzTarget target)
    {
        var set = VocDataset.Open(target.Root, "train", ["cat", "dog"]);
        for (int i = 0; i < set.Count; i++)
        {
            var a = set.Annotation(i);
            Assert.True(target.Inside(set.AnnotationPath(a.Id)), $"annotation path {set.AnnotationPath(a.Id)} leaves {target.Root}");
            Assert.True(target.Inside(set.ImagePath(a)), $"image path {set.ImagePath(a)} leaves {target.Root}");
        }
    }
}
