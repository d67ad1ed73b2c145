using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>How the per-pair losses of a Gram term are combined.</summary>
public enum PairReduction
{
    /// <summary>Sum over pairs (default): the FSP paper's sum with equal weights lambda_i = 1.</summary>
    Sum,

    /// <summary>Mean over pairs: keeps the term's scale independent of how many pairs are matched.</summary>
    Mean,
}

/// <summary>
/// Gram ("flow of solution procedure") matrices matched between student and teacher over stated layer pairs:
/// L = sum over pairs (i, j) of mean over (n, a, b) of (G_S^{i,j}[n, a, b] - G_T^{i,j}[n, a, b])^2, with G the
/// <see cref="GramMatrix"/> of layers i and j (larger map pooled to the smaller's size). The layers are the stem output
/// (when the term includes it) followed by the stage outputs. Student layers whose channel count differs from the
/// teacher's pass through a learned 1x1 <see cref="ChannelAdaptation"/> first. Config names:
/// <list type="bullet">
/// <item>"fsp": Yim et al., "A Gift from Knowledge Distillation: Fast Optimization, Network Minimization and Transfer
/// Learning" (CVPR 2017): adjacent pairs (i, i + 1).</item>
/// <item>"cross_layer": Chou, Chiu and Liao, "Deep Neural Network Compression with Knowledge Distillation Using
/// Cross-Layer Matrix, KL Divergence and Offline Ensemble" (APSIPA ASC 2020): the pairs you state, by default every
/// i &lt; j (FSP's pairs plus the non-adjacent ones, so the cross-layer row adds exactly the non-adjacent matrices to
/// FSP's); "non_adjacent" keeps only j - i &gt;= 2.</item>
/// </list>
/// The stem: RepDistiller's feature lists start with the stem output (ResNet, MobileNet: 3 FSP pairs for a CIFAR ResNet;
/// its VGG has no separate stem, the first block is our first stage), so a config that leaves "stem" out includes the
/// stem exactly when both networks tap one. Reads <see cref="Taps.Stages"/> (and the "stem" tap); needs exactly one
/// teacher. A teacher with more stages than the student (VGG-11's five against VGG-6's three) is matched on its first
/// stages, which have the student's resolutions.
/// <para>
/// Two-stage KD (FSP, and Chou et al. 2020 after it): stage 1 trains the student on this term alone; stage 2 starts from
/// the stage-1 checkpoint and trains on the task loss (plus logit-level KD). Stages are separate experiment configs.
/// </para>
/// </summary>
public sealed class Fsp : LossTerm
{
    /// <summary>The config names of the presets.</summary>
    public static class Names
    {
        public const string Fsp = "fsp", CrossLayer = "cross_layer";
    }

    /// <summary>Config parameters of "fsp" and "cross_layer"; a field left out takes the preset's default.</summary>
    public sealed record Parameters
    {
        /// <summary>Whether layer 0 is the stem output (default: when both networks tap a stem). Must be stated with listed pairs.</summary>
        public bool? Stem { get; init; }

        /// <summary>"adjacent", "all", "non_adjacent" or a list of layer pairs (default: fsp adjacent, cross_layer all).</summary>
        public GramPairs? Pairs { get; init; }

        /// <summary>Adaptive max pooling to the smaller map, as the FSP paper (default false: average).</summary>
        public bool? MaxPooling { get; init; }

        /// <summary>Mean over pairs instead of the sum (default false).</summary>
        public bool? MeanOverPairs { get; init; }
    }

    readonly ChannelAdaptation adaptation;

    /// <param name="studentChannels">Channels of each student layer: the stem first when <paramref name="stem"/>, then the stages.</param>
    /// <param name="teacherChannels">Channels of each teacher layer; as many as the student's.</param>
    /// <param name="pairs">Layer pairs; default <see cref="LayerPair.Adjacent"/> (FSP).</param>
    /// <param name="pooling">How the larger map of a pair is pooled to the smaller's size; default average
    /// (every position counts; the FSP paper max-pooled, which <see cref="GramPooling.Max"/> reproduces).</param>
    /// <param name="reduction">How pairs combine; default the FSP paper's sum.</param>
    /// <param name="stem">Whether layer 0 is the stem output ("stem" tap).</param>
    /// <param name="key">The term's name (the preset's config name).</param>
    public Fsp(
        IReadOnlyList<int> studentChannels,
        IReadOnlyList<int> teacherChannels,
        IReadOnlyList<LayerPair>? pairs = null,
        GramPooling pooling = GramPooling.Average,
        PairReduction reduction = PairReduction.Sum,
        bool stem = false,
        string key = Names.Fsp) : base(key)
    {
        adaptation = new ChannelAdaptation(studentChannels, teacherChannels, stem);
        Pairs = (pairs ?? LayerPair.Adjacent(studentChannels.Count)).ToArray();
        LayerPair.Validate(Pairs, studentChannels.Count, key);
        Pooling = pooling;
        Reduction = reduction;
        Stem = stem;
        RegisterComponents();
    }

    /// <summary>Chou et al.'s cross-layer matrices: <paramref name="pairs"/>, default every i &lt; j.</summary>
    public static Fsp CrossLayer(IReadOnlyList<int> studentChannels, IReadOnlyList<int> teacherChannels, IReadOnlyList<LayerPair>? pairs = null,
        GramPooling pooling = GramPooling.Average, PairReduction reduction = PairReduction.Sum, bool stem = false) =>
        new(studentChannels, teacherChannels, pairs ?? LayerPair.AllPairs(studentChannels.Count), pooling, reduction, stem, Names.CrossLayer);

    /// <summary>The matched layer pairs, in order.</summary>
    public IReadOnlyList<LayerPair> Pairs { get; }

    public GramPooling Pooling { get; }

    public PairReduction Reduction { get; }

    /// <summary>Whether layer 0 is the stem output.</summary>
    public bool Stem { get; }

    /// <summary>The student-side 1x1 convolutions (its parameters are this term's parameters).</summary>
    public ChannelAdaptation Adaptation => adaptation;

    public override Tensor Compute(Taps student, IReadOnlyList<Taps> teachers, Tensor labels)
    {
        if (teachers.Count != 1)
            throw new ArgumentException($"{Key}: needs exactly one teacher's taps, got {teachers.Count}.", nameof(teachers));
        var teacher = teachers[0];
        int layers = adaptation.StudentChannels.Count, stages = layers - (Stem ? 1 : 0);
        if (student.Stages.Count != stages || teacher.Stages.Count < stages)
            throw new ArgumentException(
                $"{Key}: built for {stages} stages; the student tapped {student.Stages.Count}, the teacher {teacher.Stages.Count}.");
        var teacherLayers = Layers(teacher, stages);
        for (int i = 0; i < layers; i++)
            if (teacherLayers[i].dim() != 4 || teacherLayers[i].shape[1] != adaptation.TeacherChannels[i])
                throw new ArgumentException(
                    $"{Key}: teacher {LayerName(i)} is [{string.Join(", ", teacherLayers[i].shape)}]; " +
                    $"built for [N, {adaptation.TeacherChannels[i]}, h, w].");

        var studentLayers = Layers(student, stages);
        var adapted = new Tensor?[layers];
        Tensor StudentLayer(int i) => adapted[i] ??= adaptation.Adapt(i, studentLayers[i]);

        Tensor? total = null;
        foreach (var (i, j) in Pairs)
        {
            Tensor target;
            using (no_grad())
                target = GramMatrix.Compute(teacherLayers[i].detach(), teacherLayers[j].detach(), Pooling);
            var g = GramMatrix.Compute(StudentLayer(i), StudentLayer(j), Pooling);
            if (!g.shape.SequenceEqual(target.shape))
                throw new ArgumentException(
                    $"{Key}: pair ({i},{j}) gives a student Gram matrix [{string.Join(", ", g.shape)}] " +
                    $"but a teacher one [{string.Join(", ", target.shape)}] (batch sizes differ?).");
            var pairLoss = nn.functional.mse_loss(g, target);   // one pass, no difference and square tensors of the Gram's size
            total = total is null ? pairLoss : total.Plus(pairLoss);
        }
        return Reduction == PairReduction.Mean ? total!.DividedBy(Pairs.Count) : total!;
    }

    /// <summary>The maps the pairs index: the stem output when <see cref="Stem"/>, then the first <paramref name="stages"/> stages.</summary>
    IReadOnlyList<Tensor> Layers(Taps taps, int stages) =>
        Stem ? [taps[StagedClassifier.StemTap], .. taps.Stages.Take(stages)] : taps.Stages;

    string LayerName(int i) => Stem ? (i == 0 ? "stem" : $"stage {i - 1}") : $"stage {i}";

    /// <summary>Registers "fsp" (adjacent pairs) and "cross_layer" (every pair unless stated).</summary>
    internal static void RegisterIn()
    {
        Preset(Names.Fsp, PairRule.Adjacent);
        Preset(Names.CrossLayer, PairRule.All);
    }

    /// <summary>
    /// A Gram term from a config: tap channels of student and (single) teacher probed from their specs, the teacher cut
    /// to the student's stage count, the stem included as stated (or when both tap one), pairs by rule or as listed.
    /// </summary>
    static void Preset(string name, PairRule rule) => LossRegistry.Register<Parameters>(name, (p, context) =>
    {
        var ctx = LossRegistry.RequireContext(name, context);
        var teacherSpec = ctx.SingleTeacher(name);
        var student = LossContext.Channels(ctx.Student);
        var teacher = LossContext.Channels(teacherSpec);
        int stages = student.Stages.Count;
        if (teacher.Stages.Count < stages)
            throw new ArgumentException(
                $"Loss term '{name}': the teacher {teacherSpec.Name} taps {teacher.Stages.Count} stages, fewer than the student {ctx.Student.Name}'s {stages}.");
        if (p.Pairs?.Listed is not null && p.Stem is null)
            throw new ArgumentException($"Loss term '{name}': listed pairs index the layers, so say whether layer 0 is the stem (stem: true or false).");
        bool stem = p.Stem ?? (student.Stem is not null && teacher.Stem is not null);
        if (stem && (student.Stem is null || teacher.Stem is null))
            throw new ArgumentException(
                $"Loss term '{name}': stem is true but {(student.Stem is null ? ctx.Student.Name : teacherSpec.Name)} taps no stem output.");
        int[] s = stem ? [student.Stem!.Value, .. student.Stages] : [.. student.Stages];
        int[] t = stem ? [teacher.Stem!.Value, .. teacher.Stages.Take(stages)] : [.. teacher.Stages.Take(stages)];
        return new Fsp(s, t, (p.Pairs ?? GramPairs.Of(rule)).For(s.Length),
            p.MaxPooling == true ? GramPooling.Max : GramPooling.Average,
            p.MeanOverPairs == true ? PairReduction.Mean : PairReduction.Sum, stem, name);
    });
}
