using DataPrep.Video;

namespace DataPrep.Tests.Video;

public sealed class SplitParsingTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("splits-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    void Write(string name, string text) => File.WriteAllText(Path.Combine(dir, name), text);

    /// <summary>A UCF-101 style split folder with two classes, CRLF endings as in the official zip.</summary>
    void WriteUcf()
    {
        Write("classInd.txt", "1 ApplyEyeMakeup\r\n2 Archery\r\n");
        foreach (var k in new[] { 1, 2, 3 })
        {
            Write($"trainlist0{k}.txt",
                $"ApplyEyeMakeup/v_ApplyEyeMakeup_g0{k}_c01.avi 1\r\nArchery/v_Archery_g0{k}_c01.avi 2\r\nArchery/v_Archery_g0{k}_c02.avi 2\r\n");
            Write($"testlist0{k}.txt", $"ApplyEyeMakeup/v_ApplyEyeMakeup_g1{k}_c01.avi\r\n\r\n");
        }
    }

    [Fact]
    public void UcfSplitsGiveZeroBasedLabelsAndFolderLabelsForTests()
    {
        WriteUcf();
        var splits = UcfSplits.ReadAll(dir);
        Assert.Equal([1, 2, 3], splits.Select(s => s.Number));
        var two = splits[1];
        Assert.Equal(["ApplyEyeMakeup", "Archery"], two.Classes);
        Assert.Equal([("ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi", 0), ("Archery/v_Archery_g02_c01.avi", 1), ("Archery/v_Archery_g02_c02.avi", 1)],
            two.Train.Select(v => (v.Path, v.Label)));
        Assert.Equal([("ApplyEyeMakeup/v_ApplyEyeMakeup_g12_c01.avi", 0)], two.Test.Select(v => (v.Path, v.Label)));
    }

    [Theory]
    [InlineData("trainlist01.txt", "ApplyEyeMakeup/a.avi 1\nArchery/b.avi 1\n", 2, "label 1 disagrees with folder 'Archery' (class 2)")]
    [InlineData("trainlist01.txt", "ApplyEyeMakeup/a.avi 1\nArchery/b.avi\n", 2, "expected \"<Class>/<video> <label>\", found 1 field(s)")]
    [InlineData("trainlist01.txt", "ApplyEyeMakeup/a.avi x\n", 1, "label 'x' is not a class index 1..2")]
    [InlineData("trainlist01.txt", "Bowling/a.avi 1\n", 1, "class folder 'Bowling' is not in classInd.txt")]
    [InlineData("trainlist01.txt", "a.avi 1\n", 1, "'a.avi' is not of the form <Class>/<video>")]
    [InlineData("trainlist01.txt", "Archery/b.avi 2\nArchery/b.avi 2\n", 2, "'Archery/b.avi' is listed twice")]
    [InlineData("testlist01.txt", "Archery/b.avi 2\n", 1, "expected \"<Class>/<video>\", found 2 field(s)")]
    [InlineData("classInd.txt", "1 ApplyEyeMakeup\n3 Archery\n", 2, "class index 3 out of order, expected 2")]
    [InlineData("classInd.txt", "1 ApplyEyeMakeup\n2 ApplyEyeMakeup\n", 2, "class 'ApplyEyeMakeup' is listed twice")]
    public void MalformedUcfFilesNameFileLineAndProblem(string file, string text, int line, string problem)
    {
        WriteUcf();
        Write(file, text);
        var error = Assert.Throws<SplitFormatException>(() => UcfSplits.Read(dir, 1));
        Assert.Equal(Path.Combine(dir, file), error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal($"{Path.Combine(dir, file)}, line {line}: {problem}", error.Message);
    }

    [Fact]
    public void AVideoInBothTrainAndTestIsRejected()
    {
        WriteUcf();
        Write("testlist01.txt", "Archery/v_Archery_g01_c02.avi\n");
        var error = Assert.Throws<SplitFormatException>(() => UcfSplits.Read(dir, 1));
        Assert.Contains("Archery/v_Archery_g01_c02.avi is listed for both training and testing in split 1", error.Message);
    }

    [Fact]
    public void AMissingListIsNamed()
    {
        WriteUcf();
        File.Delete(Path.Combine(dir, "testlist03.txt"));
        var error = Assert.Throws<SplitFormatException>(() => UcfSplits.ReadAll(dir));
        Assert.Equal($"{Path.Combine(dir, "testlist03.txt")}: file not found", error.Message);
    }

    [Fact]
    public void WrittenSplitsReadBackUnchanged()
    {
        var splits = UcfSplits.Numbers.Select(k => new ActionSplit(k, ["Walk", "Run", "Jump"],
            [new LabeledVideo($"Run/v_Run_g0{k}_c01.mp4", 1), new LabeledVideo($"Jump/v_Jump_g0{k}_c01.mp4", 2)],
            [new LabeledVideo($"Walk/v_Walk_g0{k}_c01.mp4", 0)])).ToList();
        UcfSplits.Write(dir, splits);
        var read = UcfSplits.ReadAll(dir);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(splits[i].Classes, read[i].Classes);
            Assert.Equal(splits[i].Train, read[i].Train);
            Assert.Equal(splits[i].Test, read[i].Test);
        }
    }

    /// <summary>HMDB51 style: one file per class and split, flags 0/1/2, trailing spaces as in the official files.</summary>
    void WriteHmdb()
    {
        foreach (var k in new[] { 1, 2, 3 })
        {
            Write($"wave_test_split{k}.txt", $"w1.avi {(k == 1 ? 1 : 2)} \nw2.avi 2 \nw3.avi 0 \nw4.avi 1 \n");
            Write($"brush_hair_test_split{k}.txt", "b1.avi 1 \r\nb2.avi 1 \r\nb3.avi 2 \r\n");
        }
    }

    [Fact]
    public void HmdbSplitsUseFlagsAndOrdinalClassOrder()
    {
        WriteHmdb();
        var splits = HmdbSplits.ReadAll(dir);
        Assert.Equal(["brush_hair", "wave"], splits[0].Classes);
        Assert.Equal(["brush_hair/b1.avi", "brush_hair/b2.avi", "wave/w1.avi", "wave/w4.avi"], splits[0].Train.Select(v => v.Path));
        Assert.Equal([0, 0, 1, 1], splits[0].Train.Select(v => v.Label));
        Assert.Equal(["brush_hair/b3.avi", "wave/w2.avi"], splits[0].Test.Select(v => v.Path));
        Assert.Equal(["brush_hair/b3.avi", "wave/w1.avi", "wave/w2.avi"], splits[1].Test.Select(v => v.Path));
        Assert.DoesNotContain(splits[2].AllPaths, p => p == "wave/w3.avi");
    }

    [Theory]
    [InlineData("w1.avi 3\n", 1, "flag '3' is not 0 (unused), 1 (train) or 2 (test)")]
    [InlineData("w1.avi 1\nw2.avi\n", 2, "expected \"<video> <0|1|2>\", found 1 field(s)")]
    [InlineData("w1.avi 1\nw1.avi 2\n", 2, "'w1.avi' is listed twice")]
    [InlineData("x/w1.avi 1\n", 1, "'x/w1.avi' must be a file name without a folder")]
    public void MalformedHmdbFilesNameFileLineAndProblem(string text, int line, string problem)
    {
        WriteHmdb();
        Write("wave_test_split2.txt", text);
        var error = Assert.Throws<SplitFormatException>(() => HmdbSplits.ReadAll(dir));
        Assert.Equal($"{Path.Combine(dir, "wave_test_split2.txt")}, line {line}: {problem}", error.Message);
    }

    [Fact]
    public void AClassWithoutAllThreeHmdbFilesIsNamed()
    {
        WriteHmdb();
        File.Delete(Path.Combine(dir, "wave_test_split3.txt"));
        var error = Assert.Throws<SplitFormatException>(() => HmdbSplits.ReadAll(dir));
        Assert.Equal($"{Path.Combine(dir, "wave_test_split3.txt")}: file not found", error.Message);
    }
}
