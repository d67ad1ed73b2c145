using Distill.Data.Detection;
using Distill.Models.Detection;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

/// <summary>Generated scenes written in the VOC layout are read back by the same reader, loader and evaluator as VOC.</summary>
public class VocScenesTests : IClassFixture<SceneFixture>
{
    readonly SceneFixture scenes;

    public VocScenesTests(SceneFixture scenes)
    {
        TorchRuntime.Initialize(seed: 8, quiet: true);
        this.scenes = scenes;
    }

    [Fact]
    public void SplitsClassesAndAnnotationsReadBack()
    {
        var train = VocDataset.Open(scenes.Root, "train");
        var test = VocDataset.Open(scenes.Root, "test");
        Assert.Equal(8, train.Count);
        Assert.Equal(4, test.Count);
        Assert.Equal(8, VocDataset.Open(scenes.Root, "trainval").Count);
        Assert.Equal(VocSceneGenerator.Classes.Order(StringComparer.Ordinal), train.Classes);
        Assert.Equal(["000000", "000001"], train.Ids.Take(2));
        Assert.Equal("100003", test.Ids[^1]);
        for (int i = 0; i < train.Count; i++)
        {
            var a = train.Annotation(i);
            Assert.InRange(a.Objects.Count, 1, SceneFixture.Settings.MaxObjects);
            foreach (var o in a.Objects)
            {
                Assert.InRange(o.Box.XMin, 1, o.Box.XMax);
                Assert.InRange(o.Box.YMax, o.Box.YMin, SceneFixture.ImageSize);
                double side = Math.Max(o.Box.XMax - o.Box.XMin + 1, o.Box.YMax - o.Box.YMin + 1);
                Assert.Equal(side < SceneFixture.Settings.DifficultBelow, o.Difficult);
            }
            using var image = train.Image(a);
            Assert.Equal([3L, SceneFixture.ImageSize, SceneFixture.ImageSize], image.shape);
            Assert.InRange(image.min().item<float>(), 0f, 1f);
        }
    }

    [Fact]
    public void ClassSubsetDrawsOnlyItsClassesAndUnknownNamesAreErrors()
    {
        var items = FashionMnistItems.Load(FashionMnistItems.DefaultFolder, train: true, limit: 500);
        var subset = SceneFixture.Settings with { Classes = ["trouser", "bag"] };
        var two = new VocSceneGenerator(items, subset);
        Assert.Equal(["trouser", "bag"], subset.ClassesDrawn());
        int objects = 0;
        for (int seed = 0; seed < 6; seed++)
        {
            var (image, scene) = two.Generate("b", seed);
            image.Dispose();
            Assert.All(scene.Objects, o => Assert.Contains(o.Name, subset.Classes!));
            objects += scene.Objects.Count;
        }
        Assert.True(objects >= 6, $"{objects} objects in 6 scenes");
        var unknown = Assert.Throws<ArgumentException>(() => new VocSceneGenerator(items, SceneFixture.Settings with { Classes = ["bag", "hat"] }));
        Assert.Contains("'hat'", unknown.Message);
    }

    [Fact]
    public void PerClassListsAgreeWithAnnotations()
    {
        var train = VocDataset.Open(scenes.Root, "train");
        foreach (var cls in train.Classes)
        {
            var lines = File.ReadAllLines(Path.Combine(scenes.Root, "ImageSets", "Main", $"{cls}_train.txt"));
            Assert.Equal(train.Count, lines.Length);
            for (int i = 0; i < train.Count; i++)
            {
                var mine = train.Annotation(i).Objects.Where(o => o.Name == cls).ToList();
                int expected = mine.Count == 0 ? -1 : mine.All(o => o.Difficult) ? 0 : 1;
                var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal((train.Ids[i], expected), (parts[0], int.Parse(parts[1])));
            }
        }
    }

    [Fact]
    public void GroundTruthAsDetectionsScoresApOne()
    {
        // Loader at half resolution: targets are scaled by 0.5 and mapped back exactly by ToVoc. Difficult objects are
        // not in the targets and are ignored by the evaluator, so AP is exactly 1 for every class present.
        var data = VocDataset.Open(scenes.Root, "train");
        var source = new VocDetectionSource(data, imageSize: 32, batchSize: 3, shuffle: false, flip: false);
        var detections = new List<VocDetection>();
        int batches = 0;
        foreach (var batch in source.Epoch(0))
            using (batch)
            {
                batches++;
                Assert.Equal([(long)Math.Min(3, data.Count - 3 * (batches - 1)), 3, 32, 32], batch.Images.shape);
                var truth = batch.Targets.Select(t => new Detections(t.Boxes, ones(t.Labels.shape[0]), t.Labels)).ToList();
                detections.AddRange(source.ToVoc(batch, truth));
            }
        Assert.Equal(3, batches);
        var annotations = Enumerable.Range(0, data.Count).Select(data.Annotation).ToList();
        Assert.Equal(annotations.Sum(a => a.Objects.Count(o => !o.Difficult)), detections.Count);
        foreach (bool elevenPoint in new[] { true, false })
        {
            var result = VocEvaluator.Evaluate(annotations, detections, data.Classes, elevenPoint);
            Assert.All(result.AveragePrecision.Values, ap => Assert.Equal(1.0, ap, 12));
            Assert.Equal(1.0, result.MeanAveragePrecision, 12);
        }
    }

    [Fact]
    public void FlipMirrorsImageAndBoxesTogether()
    {
        var data = VocDataset.Open(scenes.Root, "train");
        var plain = new VocDetectionSource(data, 64, 8, shuffle: false, flip: false).Epoch(0).Single();
        var flipped = new VocDetectionSource(data, 64, 8, seed: 5, shuffle: false, flip: true).Epoch(0).Single();
        int mirrored = 0;
        for (int k = 0; k < 8; k++)
        {
            bool isFlipped = !plain.Images[k].eq(flipped.Images[k]).all().item<bool>();
            if (isFlipped)
            {
                mirrored++;
                Assert.True(plain.Images[k].flip(2).eq(flipped.Images[k]).all().item<bool>());
                var b = plain.Targets[k].Boxes;
                var expected = stack([64 - b[.., 2], b[.., 1], 64 - b[.., 0], b[.., 3]], 1);
                Assert.True(expected.allclose(flipped.Targets[k].Boxes, atol: 1e-5));
            }
            else Assert.True(plain.Targets[k].Boxes.eq(flipped.Targets[k].Boxes).all().item<bool>());
        }
        Assert.InRange(mirrored, 1, 7);
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        var list = Assert.Throws<FileNotFoundException>(() => VocDataset.Open(scenes.Root, "val"));
        Assert.Contains(Path.Combine(scenes.Root, "ImageSets", "Main", "val.txt"), list.Message);
        var data = VocDataset.Open(scenes.Root, "test");
        var wrongSize = data.Annotation(0) with { Width = 65 };
        var e = Assert.Throws<VocFormatException>(() => data.Image(wrongSize));
        Assert.Contains("100000.jpg: image is 64 x 64 but", e.Message);
        Assert.Contains("says 65 x 64", e.Message);
    }
}
