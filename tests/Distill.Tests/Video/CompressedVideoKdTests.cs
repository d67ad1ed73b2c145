using Distill.Data;
using Distill.Data.Video;
using Distill.Experiments;
using Distill.Experiments.Papers;
using Distill.Losses;

namespace Distill.Tests.Video;

/// <summary>Paper 1's experiment configs: the teachers, the five students, their losses, and a clear error without data.</summary>
public sealed class CompressedVideoKdTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("distill-actions-").FullName;

    public CompressedVideoKdTests() => Runtime.TorchRuntime.Initialize(seed: 0, quiet: true);

    public void Dispose() => Directory.Delete(root, recursive: true);

    void WriteSplits()
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, ActionSplits.GeneratedSplitFolder)).FullName;
        File.WriteAllLines(Path.Combine(folder, "classInd.txt"), ["1 Left", "2 Right", "3 Up"]);
        File.WriteAllLines(Path.Combine(folder, "trainlist01.txt"), ["Left/a.mp4 1", "Right/b.mp4 2", "Up/c.mp4 3"]);
        File.WriteAllLines(Path.Combine(folder, "testlist01.txt"), ["Up/d.mp4"]);
    }

    [Fact]
    public void MissingDataNamesTheCommandThatGeneratesIt()
    {
        var error = Assert.Throws<DatasetNotFoundException>(() => CompressedVideoKd.For(Profiles.Smoke, root));
        Assert.Contains($"make-actions --out {root}", error.Message);
    }

    [Fact]
    public void SplitFilesAreReadWithLabelsFromTheClassFolders()
    {
        WriteSplits();
        var split = ActionSplits.Read(root);
        Assert.Equal(["Left", "Right", "Up"], split.Classes);
        Assert.Equal([0, 1, 2], split.Train.Select(v => v.Label));
        Assert.Equal(new ActionVideo(Path.Combine(root, "Up/d.mp4"), 2), Assert.Single(split.Test));
        File.AppendAllLines(Path.Combine(root, ActionSplits.GeneratedSplitFolder, "trainlist01.txt"), ["Up/e.mp4 1"]);
        var error = Assert.Throws<DataFormatException>(() => ActionSplits.Read(root));
        Assert.Contains("trainlist01.txt: line 4: label '1' disagrees with folder 'Up' (class 3)", error.Message);
    }

    [Fact]
    public void TrainingFlipsOnlySetsWhoseClassesSurviveAMirror()
    {
        // The generated set's classes include moving right vs left: a mirror would relabel them.
        Assert.False(CompressedVideoKd.DataFor(Profiles.Smoke, VideoDataSets.Actions, root).Mirror);
        Assert.False(CompressedVideoKd.DataFor(Profiles.Paper, VideoDataSets.Actions, root).Mirror);
        Assert.True(CompressedVideoKd.DataFor(Profiles.Paper, VideoDataSets.Ucf101, root).Mirror);
        Assert.True(CompressedVideoKd.DataFor(Profiles.Smoke, VideoDataSets.Hmdb51, root).Mirror);
        Assert.Contains("compressed-video study has no profile 'cpu'",
            Assert.Throws<ArgumentException>(() => CompressedVideoKd.DataFor(Profiles.Cpu, VideoDataSets.Ucf101, root)).Message);
        WriteSplits();
        Assert.False(CompressedVideoKd.For(Profiles.Smoke, root).Data.Mirror);
    }

    [Fact]
    public void StudyBuildsThreeTeachersAndFiveStudentsAsThePaper()
    {
        WriteSplits();
        var study = CompressedVideoKd.For(Profiles.Smoke, root);
        Assert.Equal(3, study.NumClasses);
        Assert.Equal(8, study.All.Select(e => e.Hash).Distinct().Count());
        // Smoke trains a ResNet-18 I-frame teacher (a ResNet-152 learns nothing in its 90 steps); the paper keeps 152.
        Assert.Equal(["iframe-resnet18", "mv-resnet18", "residual-resnet18"], study.Teachers.Select(t => t.Student.Name));
        Assert.Equal(["iframe-resnet152", "mv-resnet18", "residual-resnet18"],
            CompressedVideoKd.For(Profiles.Paper, root).Teachers.Select(t => t.Student.Name));
        Assert.All(study.All.Skip(3), e => Assert.Equal("coviar-resnet18", e.Student.Name));
        Assert.All(study.All, e => Assert.Equal((8, 32, 0.25), (e.Student.InChannels, e.Student.ImageSize, e.Student.Width)));
        Assert.Empty(study.Scratch.Teachers);
        Assert.Equal(["actions-smoke-teacher-mv"], study.SingleTeacher(CompressedStream.MotionVector).Teachers.Select(t => t.Experiment));
        var multi = study.MultiTeacherKd;
        Assert.Equal(study.Teachers.Select(t => t.Name), multi.Teachers.Select(t => t.Experiment));
        var term = Assert.IsType<HintonKd>(LossRegistry.Create(multi.Losses[1]));
        Assert.Equal(TeacherMixture.Sum, term.Mixture);
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0], term.Weights!);
        Assert.Equal(0.9, multi.Losses[1].Weight);
        Assert.Equal(0.1, multi.Losses[0].Weight, 12);
    }
}
