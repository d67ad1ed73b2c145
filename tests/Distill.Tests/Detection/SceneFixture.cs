using Distill.Data.Detection;
using Distill.Losses;
using Distill.Models.Detection;
using Distill.Training;
using Distill.Training.Detection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Detection;

/// <summary>A tiny generated scene set (Fashion-MNIST articles, 64x64, 8 train + 4 test) in the VOC layout, written once per test class.</summary>
public sealed class SceneFixture : IDisposable
{
    public const int ImageSize = 64;
    public static readonly VocSceneSettings Settings = new() { ImageSize = ImageSize, MinObjectSize = 12, MaxObjectSize = 32, DifficultBelow = 14 };

    public SceneFixture()
    {
        Folder = Directory.CreateTempSubdirectory("voc-scenes-").FullName;
        Root = Path.Combine(Folder, "VOCdevkit", "VOCScenes");
        VocWriter.WriteScenes(Root, FashionMnistItems.Load(FashionMnistItems.DefaultFolder, train: true, limit: 500),
                              FashionMnistItems.Load(FashionMnistItems.DefaultFolder, train: false, limit: 200), train: 8, test: 4, seed: 3, Settings);
    }

    public string Folder { get; }
    public string Root { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>A Faster R-CNN sized for 64x64 scenes: anchors 16-48 px at stride 16, a 64-wide box head, few samples.</summary>
    public static FasterRcnn Detector(VggBackbone backbone) => new(backbone, VocSceneGenerator.Classes.Count,
        new AnchorGenerator([16, 32, 48], [0.5, 1.0, 2.0], backbone.Stride),
        new RpnSettings { PreNmsTopNTrain = 200, PostNmsTopNTrain = 100, PreNmsTopNTest = 100, PostNmsTopNTest = 50, BatchSizePerImage = 64 },
        new RoiHeadsSettings { RepresentationSize = 64, BatchSizePerImage = 32 });

    /// <summary>A distiller of <paramref name="student"/> from <paramref name="teacher"/> with Chen et al.'s full objective at its defaults.</summary>
    public static DetectionDistiller Distilling(FasterRcnn student, FasterRcnn teacher) =>
        new(student, teacher, DetectionDistillation.ChenEtAl()
            .Select(l => (DetectionDistillation.Create(l, student.Backbone.OutChannels, teacher.Backbone.OutChannels), l.Weight)).ToList());

    /// <summary>SGD with momentum 0.9 and weight decay 1e-4 over the distiller's trainable parameters (student and hint adaptation).</summary>
    public static OptimizerHelper Sgd(DetectionDistiller distiller, double learningRate) =>
        OptimizerSpec.Sgd(learningRate, 0.9, 1e-4).Create(distiller.parameters().Where(p => p.requires_grad));

    /// <summary>One optimisation step as the trainer takes it; each logged value and "total" as numbers.</summary>
    public static IReadOnlyDictionary<string, double> Step(DetectionDistiller distiller, OptimizerHelper optimizer, DetectionBatch batch, Random rng)
    {
        using var scope = NewDisposeScope();
        var (loss, logged) = distiller.Step(batch.Images, batch.Targets, rng);
        distiller.zero_grad(set_to_none: true);
        loss.backward();
        optimizer.step();
        var values = distiller.LoggedKeys.Zip(logged).ToDictionary(p => p.First, p => (double)p.Second.item<float>());
        values["total"] = loss.item<float>();
        return values;
    }
}
