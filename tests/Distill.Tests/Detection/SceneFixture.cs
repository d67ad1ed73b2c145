using Distill.Data.Detection;
using Distill.Models.Detection;

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
}
