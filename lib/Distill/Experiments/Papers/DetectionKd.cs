using Distill.Experiments.Detection;
using Distill.Losses;
using Distill.Models.Detection;
using Distill.Training;

namespace Distill.Experiments.Papers;

/// <summary>What the detection ablation varies by call: profile, data, seed and the distillation weights.</summary>
public sealed record DetectionKdSettings
{
    public string Profile { get; init; } = Profiles.Smoke;
    public string DataSet { get; init; } = DetectionDataSets.Scenes;
    public int Seed { get; init; }
    /// <summary>Hard-label share mu of the weighted soft cross-entropy.</summary>
    public double Mu { get; init; } = 0.5;
    /// <summary>Weight nu of the teacher-bounded term.</summary>
    public double Nu { get; init; } = 0.5;
    /// <summary>Margin m of the teacher bound.</summary>
    public double Margin { get; init; } = 0.0;
    public double Temperature { get; init; } = 1.0;
    public double BackgroundWeight { get; init; } = 1.5;
    /// <summary>Weight gamma of the hint loss where it is on.</summary>
    public double Gamma { get; init; } = 0.5;
    /// <summary>RoI Align's half-pixel correction in both detectors' box heads: false as torchvision's Faster R-CNN
    /// (the default), true as Detectron2.</summary>
    public bool RoiAligned { get; init; }
    /// <summary>Smooth-L1 beta of both box heads' box loss (and of the bounded regression term): 1/9 as torchvision
    /// (the default), 1 as Fast R-CNN.</summary>
    public double BoxSmoothL1Beta { get; init; } = DetectionKd.DefaultBoxBeta;
}

/// <summary>
/// The ablation of Chen et al. (2017), "Learning Efficient Object Detection Models with Knowledge Distillation"
/// (NeurIPS 2017), Table 3/5 style: a Faster R-CNN teacher, a smaller student from scratch, and the student with each
/// component of L = L_RPN + L_RCN + gamma L_hint switched on alone (hint with adaptation; class-weighted soft
/// cross-entropy with background weight 1.5; teacher-bounded regression) and all together (lambda = 1, gamma = 0.5).
/// Each row is config: its list of loss terms (<see cref="DetectionDistillation.ChenEtAl"/>); hint off leaves the "hint"
/// term out, soft CE off is mu = 1 (hard labels only), the bound off is nu = 0. The student has a thinner, shallower backbone and a narrower box head than the teacher.
/// Profiles: "smoke" and "paper". "paper": PASCAL VOC 2007 trainval/test at 512x512, 12 epochs of batch 2, SGD 0.01
/// with half an epoch of warm-up, dropped at epoch 9. "smoke": the first 96 training and 24 test images of generated
/// scenes at 96x96 of three classes (<c>data-prep make-voc --out DIR --train 96 --test 24 --size 96 --classes
/// tshirt,bag,ankle_boot --min-object 20 --max-object 48</c>), 8 epochs of batch 2 (384 SGD steps at 0.04 after half an
/// epoch of linear warm-up, cosine decay), box-head RoI Align with one sample per bin side; minutes on two
/// CPU cores, not the paper's numbers. With the ten Fashion-MNIST classes at this size, a few dozen steps leave every
/// mAP at 0 (each class's score stays under the 0.05 detection threshold), hence the fewer, distinct classes and
/// larger articles.
/// </summary>
public static class DetectionKd
{
    public const string Teacher = "det-teacher";

    /// <summary>Row labels of the ablation table, keyed by experiment name, in table order.</summary>
    public static readonly IReadOnlyList<(string Name, string Label)> Rows =
    [
        (Teacher, "Teacher"),
        ("det-scratch", "Student from scratch"),
        ("det-hint", "+ hint"),
        ("det-softce", "+ weighted soft CE"),
        ("det-bounded", "+ bounded regression"),
        ("det-all", "all (hint + soft CE + bounded)"),
    ];

    /// <summary>The table label of a run: its row's label, with the method choices its name carries (see
    /// <see cref="ChoiceSuffix"/>) in parentheses.</summary>
    public static string LabelOf(string name)
    {
        if (RowEntry(name) is not { } row) return name;
        var suffix = name[row.Name.Length..];
        return row.Label + (suffix == "" ? "" : $" ({suffix.TrimStart('-')})");
    }

    /// <summary>The ablation row a run belongs to: its name without the choice suffix; null for a name outside the table.</summary>
    public static string? RowOf(string name) => RowEntry(name)?.Name;

    static (string Name, string Label)? RowEntry(string name) =>
        Rows.Where(r => name == r.Name || name.StartsWith(r.Name + "-", StringComparison.Ordinal))
            .Select(r => ((string Name, string Label)?)r).FirstOrDefault();

    /// <summary>The box heads' smooth-L1 beta when nothing else is chosen: the detector's own default (torchvision's 1/9).</summary>
    public static readonly double DefaultBoxBeta = new RoiHeadsSettings().SmoothL1Beta;

    /// <summary>
    /// What every run name of an ablation with non-default method choices ends with ("" for the defaults): students find
    /// their teacher by name, so a teacher trained with other box-head choices must not share the default one's name.
    /// </summary>
    public static string ChoiceSuffix(DetectionKdSettings s) =>
        (s.RoiAligned ? "-aligned" : "") +
        (s.BoxSmoothL1Beta == DefaultBoxBeta ? "" : $"-beta{s.BoxSmoothL1Beta.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>The six experiments, teacher first.</summary>
    public static IReadOnlyList<DetectionExperiment> Ablation(DetectionKdSettings s)
    {
        if (s.Profile != Profiles.Smoke && s.Profile != Profiles.Paper)
            throw Profiles.NotDefined(s.Profile, "detection study", Profiles.Smoke, Profiles.Paper);
        if (!(s.BoxSmoothL1Beta > 0) || double.IsInfinity(s.BoxSmoothL1Beta))
            throw new ArgumentOutOfRangeException(nameof(s), s.BoxSmoothL1Beta, "BoxSmoothL1Beta must be a positive number.");
        bool paper = s.Profile == Profiles.Paper;
        string suffix = ChoiceSuffix(s);
        DetectorSpec Chosen(DetectorSpec d) => d with { Head = d.Head with { Aligned = s.RoiAligned, SmoothL1Beta = s.BoxSmoothL1Beta } };
        var student = Chosen(StudentDetector(paper));
        DetectionExperiment Run(string name, DetectorSpec detector, IReadOnlyList<LossSpec>? terms) => new()
        {
            Name = name + suffix,
            DataSet = s.DataSet,
            ImageSize = paper ? 512 : 96,
            Detector = detector,
            Teacher = terms is null ? null : Teacher + suffix,
            Losses = terms ?? [],
            Optimizer = OptimizerSpec.Sgd(paper ? 0.01 : 0.04, 0.9, 1e-4),
            Schedule = paper ? ScheduleSpec.MultiStep([9], warmupEpochs: 0.5) : ScheduleSpec.Cosine(warmupEpochs: 0.5),
            Epochs = paper ? 12 : 8,
            BatchSize = 2,
            TrainImages = paper ? null : 96,
            TestImages = paper ? null : 24,
            Seed = s.Seed,
            Profile = s.Profile,
        };
        IReadOnlyList<LossSpec> Terms(double mu, double nu, bool hint) =>
            DetectionDistillation.ChenEtAl(mu, s.Temperature, s.BackgroundWeight, nu, s.Margin, lambda: 1.0, s.Gamma)
                .Where(t => hint || t.Name != DetectionDistillation.Hint).ToList();
        return
        [
            Run(Teacher, Chosen(TeacherDetector(paper)), null),
            Run("det-scratch", student, null),
            Run("det-hint", student, Terms(mu: 1.0, nu: 0.0, hint: true)),
            Run("det-softce", student, Terms(s.Mu, nu: 0.0, hint: false)),
            Run("det-bounded", student, Terms(mu: 1.0, s.Nu, hint: false)),
            Run("det-all", student, Terms(s.Mu, s.Nu, hint: true)),
        ];
    }

    /// <summary>What a row switches on, read from its terms: gamma (the hint's weight, 0 when absent), mu and nu of the box head's terms, the margin.</summary>
    public static (double Gamma, double Mu, double Nu, double Margin) Switches(DetectionExperiment e)
    {
        LossSpec? Term(string name) => e.Losses.FirstOrDefault(l => l.Name == name);
        var cls = Term("rcn_cls") is { } c ? LossRegistry.Bind<WeightedSoftCe.Parameters>(c) : null;
        var reg = Term("rcn_reg") is { } r ? LossRegistry.Bind<TeacherBoundedRegression.Parameters>(r) : null;
        return (Term(DetectionDistillation.Hint)?.Weight ?? 0, cls is null ? 1 : cls.Mu ?? 0.5, reg is null ? 0 : reg.Nu ?? 0.5, reg?.Margin ?? 0);
    }

    /// <summary>Teacher: 5 VGG stages of two 3x3 convs (32-64-96-128-128), box head of width 1024 (paper) / 256 (smoke).</summary>
    public static DetectorSpec TeacherDetector(bool paper) => Detector("vgg-teacher", [32, 64, 96, 128, 128], 2, paper ? 1024 : 256, paper);

    /// <summary>Student: 5 VGG stages of one 3x3 conv (8-16-24-32-32), box head of width 256 (paper) / 64 (smoke).</summary>
    public static DetectorSpec StudentDetector(bool paper) => Detector("vgg-student", [8, 16, 24, 32, 32], 1, paper ? 256 : 64, paper);

    /// <summary>Stride-16 detectors; anchors and sampling sized to the profile's images (teacher and student share them).</summary>
    static DetectorSpec Detector(string name, int[] widths, int convs, int headWidth, bool paper) => new()
    {
        Name = name,
        Widths = widths,
        ConvsPerStage = convs,
        AnchorSizes = paper ? [64, 128, 256, 512] : [16, 32, 64],
        Rpn = paper
            ? new RpnSettings { PreNmsTopNTrain = 2000, PostNmsTopNTrain = 1000, PreNmsTopNTest = 1000, PostNmsTopNTest = 300 }
            : new RpnSettings { PreNmsTopNTrain = 300, PostNmsTopNTrain = 150, PreNmsTopNTest = 150, PostNmsTopNTest = 50, BatchSizePerImage = 64 },
        Head = paper
            ? new RoiHeadsSettings { RepresentationSize = headWidth }
            : new RoiHeadsSettings { RepresentationSize = headWidth, BatchSizePerImage = 32, SamplingRatio = 1 },
    };
}
