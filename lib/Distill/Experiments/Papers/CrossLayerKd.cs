using Distill.Losses;
using Distill.Models;
using Distill.Training;

namespace Distill.Experiments.Papers;

/// <summary>One teacher / student pair of the cross-layer KD experiments, with the gain the paper reports for it.</summary>
/// <param name="Key">Short name, the prefix of every experiment of the pair, e.g. "fmnist-resnet20-resnet8".</param>
/// <param name="PaperGain">Top-1 gain of the full method over the student from scratch in the paper (points), or null.</param>
public sealed record CrossLayerPair(string Key, string DataSet, ModelSpec Teacher, ModelSpec Student, double? PaperGain);

/// <summary>
/// How the experiments of one profile are run: pairs, schedule, subset, seeds, ensemble size, and the method choices the
/// paper leaves open (each lands in the experiment configs, so each choice has its own results).
/// </summary>
/// <param name="Stage1Epochs">Epochs of the Gram-only first stage of the two-stage rows.</param>
/// <param name="EnsembleTeachers">Teachers of the offline ensemble: the teacher architecture trained with seeds 0..K-1.</param>
/// <param name="GramStem">Whether the FSP and cross-layer Gram matrices include the stem output as layer 0. Null (default,
/// every profile): RepDistiller's choice, the stem wherever both networks tap one (a CIFAR ResNet: stem + 3 stages, 3 FSP
/// pairs, 6 cross-layer pairs; VGG has no separate stem, its first block is its first stage); false: the 3 stages only
/// (2 FSP pairs, 3 cross-layer pairs).</param>
/// <param name="CrossLayerPairs">Which pairs the cross-layer row matches. Default <see cref="PairRule.All"/>: every i &lt; j,
/// FSP's adjacent pairs plus the non-adjacent ones, so the cross-layer row differs from the FSP row by exactly the
/// non-adjacent matrices (the paper extends FSP's matrices to layers further apart rather than replacing them);
/// <see cref="PairRule.NonAdjacent"/> keeps only j - i &gt;= 2.</param>
/// <param name="OfflineKlTemperature">T of the stage-2 KL terms (+ KL, + ensemble, full method). Default 4, the value this
/// study has always used; 1 is Deep Mutual Learning's plain KL. At T = 4 with the T^2 factor the offline KL is Hinton KD
/// with other loss weights (1 on the task loss and 1 on the KL instead of 0.1 and 0.9).</param>
public sealed record CrossLayerSetup(
    string Profile,
    IReadOnlyList<CrossLayerPair> Pairs,
    int Epochs,
    int Stage1Epochs,
    int BatchSize,
    double LearningRate,
    IReadOnlyList<int> Seeds,
    int EnsembleTeachers,
    int? TrainImages = null,
    int? TestImages = null,
    bool? GramStem = null,
    PairRule CrossLayerPairs = PairRule.All,
    double OfflineKlTemperature = 4);

/// <summary>
/// The experiments of Chou, Chiu and Liao, "Deep Neural Network Compression with Knowledge Distillation Using
/// Cross-Layer Matrix, KL Divergence and Offline Ensemble" (APSIPA ASC 2020), as experiment configs. For each pair the
/// rows are: the teacher; the student from scratch; Hinton KD; FSP (Yim et al. 2017; two stages: FSP matrices, then
/// labels); cross-layer (two stages: the cross-layer Gram pairs, then labels); + KL (stage 2 adds the offline KL to one teacher);
/// + ensemble (stage 2 uses the plain mean of K teachers instead); full method (stage 2 with the paper's randomly
/// weighted offline ensemble). Stage-1 configs are shared between rows, so the result store trains each once.
/// </summary>
public static class CrossLayerKd
{
    public const string Teacher = "teacher", Scratch = "student from scratch", Hinton = "Hinton KD", Fsp = "FSP",
        CrossLayer = "cross-layer", PlusKl = "+ KL", PlusEnsemble = "+ ensemble", Full = "full method";

    /// <summary>The table's rows, in the paper's order.</summary>
    public static IReadOnlyList<string> Methods { get; } = [Teacher, Scratch, Hinton, Fsp, CrossLayer, PlusKl, PlusEnsemble, Full];

    /// <summary>
    /// The setup of a profile. "smoke" (CI, 2 CPU cores, about two minutes of training): ResNet-20 -> ResNet-8 on the
    /// first 1,024 Fashion-MNIST training and 512 test images, 2 epochs (stage 1: 1), two ensemble teachers. "cpu" (the
    /// largest run that fits 2 CPU cores in about 1.5 hours, for machines without a GPU): the paper's ResNet-32 -> ResNet-8
    /// on the first 10,240 Fashion-MNIST training and 5,000 test images, 10 epochs (stage 1: 4), three seeds and three
    /// ensemble teachers. "cpu-full" (issue 18: the same pair and recipe on all 60,000 / 10,000 images, 15 epochs, stage 1:
    /// 5; 11 hours of training on 2 cores, measured once and committed): at 10,240 images the teacher is not significantly
    /// ahead of the student from scratch (about a point, p = 0.12 over 3 seeds), so there is little to distill. "paper": the
    /// paper's pairs on the full data set, CIFAR-style schedule, three ensemble teachers; on Fashion-MNIST the same
    /// architectures are built for one 28x28 channel. <paramref name="seeds"/> overrides the number of seeds (default
    /// 1 in smoke, 3 in cpu and paper); <paramref name="trainImages"/> and <paramref name="testImages"/> override the subset
    /// (the first that many images; 0: the profile's default).
    /// </summary>
    public static CrossLayerSetup Setup(string profile, string dataSet = "fashion-mnist", int seeds = 0, int trainImages = 0, int testImages = 0)
    {
        if (trainImages < 0 || testImages < 0)
            throw new ArgumentOutOfRangeException(nameof(trainImages), $"Image counts must be >= 0 (0: the profile's default); got {trainImages} and {testImages}.");
        var setup = ProfileSetup(profile, dataSet, seeds);
        return setup with
        {
            TrainImages = trainImages > 0 ? trainImages : setup.TrainImages,
            TestImages = testImages > 0 ? testImages : setup.TestImages,
        };
    }

    /// <summary>Notebook 02's parameters for the method choices the paper leaves open (see <see cref="With"/>).</summary>
    public const string GramLayers = "GramLayers", CrossLayerPairs = "CrossLayerPairs", OfflineKlTemperature = "OfflineKlTemperature";

    /// <summary>
    /// The alternative to the default of each method choice, as measured on the cpu profile (notebook 02's "Method choices"
    /// table): the stages without the stem, the non-adjacent cross-layer pairs alone, DML's T = 1.
    /// </summary>
    public static IReadOnlyList<(string Parameter, string Value)> MeasuredAlternatives { get; } =
        [(GramLayers, "stages"), (CrossLayerPairs, "non-adjacent"), (OfflineKlTemperature, "1")];

    /// <summary>
    /// The method choices the paper leaves open, as a notebook's parameters state them: <paramref name="gramLayers"/>
    /// "reference" (RepDistiller's stem + stages wherever both networks tap a stem, the stages alone for VGG), "stem+stages"
    /// or "stages"; <paramref name="crossLayerPairs"/> "all" (every i &lt; j) or "non-adjacent" (j - i &gt;= 2 only);
    /// <paramref name="offlineKlTemperature"/> T of the stage-2 KL terms (4 as this study has always used; 1 as in DML).
    /// </summary>
    public static CrossLayerSetup Choose(this CrossLayerSetup setup, string gramLayers, string crossLayerPairs, double offlineKlTemperature) =>
        setup.With(GramLayers, gramLayers).With(CrossLayerPairs, crossLayerPairs) with { OfflineKlTemperature = Temperature(offlineKlTemperature) };

    /// <summary>
    /// <paramref name="setup"/> with one method choice set, by its notebook parameter's name and value as
    /// <see cref="Choose"/> takes them (the temperature as an invariant-culture number).
    /// </summary>
    public static CrossLayerSetup With(this CrossLayerSetup setup, string parameter, string value) => parameter switch
    {
        GramLayers => setup with
        {
            GramStem = value.Trim().ToLowerInvariant() switch
            {
                "reference" => null,
                "stem+stages" => true,
                "stages" => false,
                var other => throw new ArgumentException($"GramLayers '{other}': use reference, stem+stages or stages."),
            },
        },
        CrossLayerPairs => setup with
        {
            CrossLayerPairs = value.Trim().ToLowerInvariant() switch
            {
                "all" => PairRule.All,
                "non-adjacent" => PairRule.NonAdjacent,
                var other => throw new ArgumentException($"CrossLayerPairs '{other}': use all or non-adjacent."),
            },
        },
        OfflineKlTemperature => setup with
        {
            OfflineKlTemperature = double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double t)
                ? Temperature(t) : throw new ArgumentException($"OfflineKlTemperature '{value}': expected a number."),
        },
        _ => throw new ArgumentException($"No method choice '{parameter}'; the choices are {GramLayers}, {CrossLayerPairs} and {OfflineKlTemperature}."),
    };

    static double Temperature(double t) => t > 0 && !double.IsInfinity(t) ? t
        : throw new ArgumentOutOfRangeException(nameof(t), t, "OfflineKlTemperature must be a positive number.");

    static CrossLayerSetup ProfileSetup(string profile, string dataSet, int seeds)
    {
        if (!Profiles.All.Contains(profile))
            throw new ArgumentException($"Unknown profile '{profile}'; use one of {string.Join(", ", Profiles.All)}.");
        if (seeds < 0) throw new ArgumentOutOfRangeException(nameof(seeds), seeds, "The number of seeds must be >= 0 (0: the profile's default).");
        if (profile != Profiles.Paper)
        {
            if (!dataSet.Equals("fashion-mnist", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"The {profile} profile runs on fashion-mnist only (got '{dataSet}'); use the paper profile for {dataSet}.");
            int[] Seeds(int byDefault) => Enumerable.Range(0, seeds == 0 ? byDefault : seeds).ToArray();
            var resnet = Pair("fmnist", "fashion-mnist", "resnet32", "resnet8", 10, 1, 28, null);
            return profile switch
            {
                Profiles.Smoke => new CrossLayerSetup(profile, [Pair("fmnist", "fashion-mnist", "resnet20", "resnet8", 10, 1, 28, null)], Epochs: 2,
                    Stage1Epochs: 1, BatchSize: 64, LearningRate: 0.05, Seeds: Seeds(1), EnsembleTeachers: 2, TrainImages: 1024, TestImages: 512),
                Profiles.Cpu => new CrossLayerSetup(profile, [resnet], Epochs: 10, Stage1Epochs: 4,
                    BatchSize: 128, LearningRate: 0.1, Seeds: Seeds(3), EnsembleTeachers: 3, TrainImages: 10240, TestImages: 5000),
                // cpu-full: the cpu recipe on all 60,000 / 10,000 images. Why this size: a ResNet-32 teacher epoch takes 136 s
                // here (461 img/s, measured 2026-12-05 with the issue-17 speed-ups; PyTorch 1.13 trains the same model at
                // 440 img/s), the teacher is at 94.2 % after 13 of 15 epochs where the cpu profile's 10,240-image, 10-epoch
                // teacher was not significantly ahead of its scratch student. The committed run (15 epochs x 3 seeds x 8 rows, 30 runs) took
                // 11.0 hours of two cores by the runs' own clocks (the Measured cell sums them): the teachers 71-200 min each
                // (94.31 / 93.76 / 93.96 %; the machine was shared part of the time), a stage-1 run 6-7 min, a student 7-9 min
                // reading stored teacher logits, 17 min as the first student of its seed (Hinton KD) and 25-39 min with the
                // ensemble's two further teachers. The students of one seed draw
                // the same batches, so from the second on they read the teachers' logits (TeacherLogitCache): at 40 capped steps,
                // Hinton KD 5.4 -> 2.7 s and the three-teacher full method 11.3 -> 2.7 s once stored (2026-12-05).
                // ResNet-32 rather than ResNet-20: the paper's pair. Gram layers: the default, RepDistiller's stem + stages.
                _ => new CrossLayerSetup(profile, [resnet], Epochs: 15, Stage1Epochs: 5,
                    BatchSize: 128, LearningRate: 0.1, Seeds: Seeds(3), EnsembleTeachers: 3),
            };
        }
        IReadOnlyList<CrossLayerPair> pairs = dataSet.ToLowerInvariant() switch
        {
            "fashion-mnist" =>
            [
                Pair("fmnist", dataSet, "vgg11", "vgg6", 10, 1, 28, null),
                Pair("fmnist", dataSet, "resnet32", "resnet8", 10, 1, 28, null),
                Pair("fmnist", dataSet, "mobilenet16", "mobilenet9", 10, 1, 28, null),
            ],
            "cifar100" =>
            [
                Pair("cifar100", dataSet, "vgg11", "vgg6", 100, 3, 32, 3.57),
                Pair("cifar100", dataSet, "resnet32", "resnet8", 100, 3, 32, 4.38),
            ],
            "imagenet64" => [Pair("imagenet64", dataSet, "mobilenet16", "mobilenet9", 1000, 3, 64, 3.98)],
            _ => throw new ArgumentException($"No cross-layer KD pairs for data set '{dataSet}'; use fashion-mnist, cifar100 or imagenet64."),
        };
        bool small = dataSet.Equals("fashion-mnist", StringComparison.OrdinalIgnoreCase);
        return new CrossLayerSetup(profile, pairs, Epochs: small ? 30 : 200, Stage1Epochs: small ? 10 : 50, BatchSize: 128,
            LearningRate: 0.1, Seeds: Enumerable.Range(0, seeds == 0 ? 3 : seeds).ToArray(), EnsembleTeachers: 3);
    }

    static CrossLayerPair Pair(string data, string dataSet, string teacher, string student, int classes, int channels, int size, double? gain) =>
        new($"{data}-{teacher}-{student}", dataSet, new ModelSpec(teacher, classes, channels, size), new ModelSpec(student, classes, channels, size), gain);

    /// <summary>
    /// Every experiment of one row of <paramref name="pair"/> for one student seed, in the order they must run
    /// (teachers, stage 1, the row's own experiment last).
    /// </summary>
    public static IReadOnlyList<Experiment> Row(CrossLayerSetup setup, CrossLayerPair pair, string method, int seed)
    {
        var teachers = Enumerable.Range(0, setup.EnsembleTeachers)
            .Select(k => Config(setup, pair, "teacher", pair.Teacher, setup.Epochs, k, [Ce()])).ToList();
        if (method == Teacher) return teachers.Where(t => t.Seed == seed % setup.EnsembleTeachers).ToList();
        TeacherSpec[] one = [new(teachers[0].Name, 0)];
        TeacherSpec[] all = teachers.Select(t => new TeacherSpec(t.Name, t.Seed)).ToArray();
        Experiment Student(string key, IReadOnlyList<LossSpec> losses, IReadOnlyList<TeacherSpec> by, string? start = null) =>
            Config(setup, pair, key, pair.Student, setup.Epochs, seed, losses) with { Teachers = by, StartFrom = start };
        Experiment Stage1(string gram) =>
            Config(setup, pair, Stage1Key(Gram(setup, pair, gram)), pair.Student, setup.Stage1Epochs, seed, [Gram(setup, pair, gram)]) with { Teachers = one };
        Experiment[] TwoStage(string gram, string key, IReadOnlyList<LossSpec> losses, IReadOnlyList<TeacherSpec> by)
        {
            var first = Stage1(gram);
            return [.. teachers, first, Student(key, losses, by, first.Name)];
        }
        return method switch
        {
            Scratch => [Student("scratch", [Ce()], [])],
            Hinton => [teachers[0], Student("hinton-kd", [Ce(0.1), Soft(HintonKd.Names.Kd, 0.9, 4)], one)],
            Fsp => TwoStage(Losses.Fsp.Names.Fsp, "fsp", [Ce()], []),
            CrossLayer => TwoStage(Losses.Fsp.Names.CrossLayer, "cross-layer", [Ce()], []),
            PlusKl => TwoStage(Losses.Fsp.Names.CrossLayer, "cross-layer-kl", [Ce(), Soft(HintonKd.Names.OfflineKl, 1, setup.OfflineKlTemperature)], one),
            PlusEnsemble => TwoStage(Losses.Fsp.Names.CrossLayer, "cross-layer-mean-ensemble",
                [Ce(), Soft(HintonKd.Names.OfflineEnsemble, 1, setup.OfflineKlTemperature, TeacherMixture.Mean)], all),
            Full => TwoStage(Losses.Fsp.Names.CrossLayer, "full", [Ce(), Soft(HintonKd.Names.OfflineEnsemble, 1, setup.OfflineKlTemperature)], all),
            _ => throw new ArgumentException($"Unknown method '{method}'. Methods: {string.Join(", ", Methods)}"),
        };
    }

    static LossSpec Ce(double weight = 1) => new(CrossEntropy.Name, weight);

    /// <summary>
    /// The stage-1 experiment's key: "stage1-fsp" or "stage1-cross-layer", with "-stem" when the stem is included and
    /// "-non-adjacent" for those pairs. Stage 2 names its start by experiment name, so a stage-1 choice must change the
    /// name for the stage-2 configs (and their hashes) to change with it.
    /// </summary>
    static string Stage1Key(LossSpec gram)
    {
        var p = LossRegistry.Bind<Losses.Fsp.Parameters>(gram);
        return $"stage1-{gram.Name.Replace('_', '-')}" + (p.Stem == true ? "-stem" : "") +
               (p.Pairs?.Rule is PairRule.NonAdjacent ? "-non-adjacent" : p.Pairs?.Rule is PairRule.Adjacent ? "-adjacent" : "");
    }

    /// <summary>
    /// The stage-1 Gram term: the stem stated (the setup's choice, or whether both networks tap one), so the config says
    /// which layers it matched; for cross-layer, its pairs when they are not every pair.
    /// </summary>
    static LossSpec Gram(CrossLayerSetup setup, CrossLayerPair pair, string gram) => LossSpec.Of(gram, 1, new Losses.Fsp.Parameters
    {
        Stem = setup.GramStem ?? (LossContext.Channels(pair.Student).Stem is not null && LossContext.Channels(pair.Teacher).Stem is not null),
        Pairs = gram == Losses.Fsp.Names.CrossLayer && setup.CrossLayerPairs != PairRule.All ? GramPairs.Of(setup.CrossLayerPairs) : null,
    });

    /// <summary>A soft-target KL preset at <paramref name="temperature"/>, with another teacher mixture than the preset's when given.</summary>
    static LossSpec Soft(string preset, double weight, double temperature, TeacherMixture? mixture = null) =>
        LossSpec.Of(preset, weight, new HintonKd.Parameters { Temperature = temperature, Mixture = mixture });

    static Experiment Config(CrossLayerSetup setup, CrossLayerPair pair, string key, ModelSpec model, int epochs, int seed,
        IReadOnlyList<LossSpec> losses) => new()
    {
        Name = $"{pair.Key}-{key}",
        DataSet = pair.DataSet,
        Student = model,
        Losses = losses,
        Optimizer = OptimizerSpec.Sgd(setup.LearningRate, nesterov: true),
        Schedule = ScheduleSpec.Cosine(),
        Epochs = epochs,
        BatchSize = setup.BatchSize,
        Seed = seed,
        Profile = setup.Profile,
        TrainImages = setup.TrainImages,
        TestImages = setup.TestImages,
    };

    /// <summary>Name of notebook 02's committed store of the cpu profile's measured runs (see <see cref="ResultStore.Measured"/>).</summary>
    public const string MeasuredStore = "02-cross-layer-kd";

    /// <summary>Name of the committed store of the cpu-full profile's measured runs.</summary>
    public const string MeasuredFullStore = "02-cross-layer-kd-full";

    /// <summary>
    /// Where a profile's runs are kept: the cpu and cpu-full profiles' runs were measured once and committed (1.4 and 11
    /// hours of training on 2 cores; the cpu store also holds the runs of <see cref="MeasuredAlternatives"/>), so they come from notebooks/measured/02-cross-layer-kd(-full) unless DISTILL_RESULTS says
    /// otherwise; the others use <see cref="ResultStore.Default"/>.
    /// </summary>
    public static ResultStore StoreFor(string profile) =>
        ResultStore.ConfiguredRoot is null && CommittedStore(profile) is { } measured ? measured : ResultStore.Default;

    /// <summary>The name of a measured profile's committed store (cpu, cpu-full), or null for the others.</summary>
    public static string? MeasuredStoreOf(string profile) =>
        profile switch { Profiles.Cpu => MeasuredStore, Profiles.CpuFull => MeasuredFullStore, _ => null };

    /// <summary>The committed store of a measured profile (cpu, cpu-full) wherever the notebook runs, or null.</summary>
    public static ResultStore? CommittedStore(string profile) =>
        MeasuredStoreOf(profile) is { } name ? ResultStore.Measured(name) : null;

    /// <summary>
    /// Every row of <paramref name="setup"/> read from <paramref name="store"/> without training anything: the rows when
    /// every experiment <see cref="Run"/> would run is there (finished, all its epochs; teachers and stage-1 runs too,
    /// which Run would otherwise train), else null with each missing experiment once in <paramref name="missing"/>.
    /// </summary>
    public static IReadOnlyList<RowResult>? Load(CrossLayerSetup setup, ResultStore store, out IReadOnlyList<string> missing)
    {
        // Rows share experiments (teacher seed 0, each seed's stage-1 run): each folder is read once, each miss listed once.
        var read = new Dictionary<string, ExperimentResult?>();
        var absent = new List<string>();
        ExperimentResult? Finished(Experiment e)
        {
            string folder = store.FolderOf(e);
            if (read.TryGetValue(folder, out var known)) return known;
            var run = store.TryLoad(e) is { } r && r.History().Count == e.Epochs ? r : null;
            if (run is null) absent.Add($"{e.Name} seed {e.Seed} ({folder})");
            return read[folder] = run;
        }

        var rows = new List<RowResult>();
        foreach (var pair in setup.Pairs)
            foreach (var method in Methods)
            {
                var runs = new List<ExperimentResult>();
                foreach (int seed in SeedsOf(setup, method))
                {
                    ExperimentResult? last = null;
                    foreach (var e in Row(setup, pair, method, seed)) last = Finished(e);
                    if (last is not null) runs.Add(last);
                }
                rows.Add(new RowResult(pair, method, runs));
            }
        missing = absent;
        return absent.Count == 0 ? rows : null;
    }

    /// <summary>The seeds a row runs: one per ensemble teacher for the teacher row, the setup's seeds for the students.</summary>
    static IEnumerable<int> SeedsOf(CrossLayerSetup setup, string method) =>
        method == Teacher ? Enumerable.Range(0, setup.EnsembleTeachers) : setup.Seeds;

    /// <summary>
    /// <see cref="Load"/> for runs that must be there (a committed store): the rows, or an error naming every missing run.
    /// </summary>
    public static IReadOnlyList<RowResult> LoadAll(CrossLayerSetup setup, ResultStore store) =>
        Load(setup, store, out var missing)
        ?? throw new FileNotFoundException($"{missing.Count} of the {setup.Profile} profile's runs are missing from {store.Root}: {string.Join("; ", missing)}");

    /// <summary>Every experiment <see cref="Run"/> runs for <paramref name="setup"/>, once each (rows share teachers and stage-1 runs).</summary>
    public static IReadOnlyList<Experiment> Experiments(CrossLayerSetup setup) =>
        setup.Pairs.SelectMany(pair => Methods.SelectMany(method =>
                SeedsOf(setup, method).SelectMany(seed => Row(setup, pair, method, seed))))
            .DistinctBy(e => e.Hash).ToList();

    /// <summary>Runs (or reuses) every experiment of one row for one seed, in order; the row's own result is the last.</summary>
    public static IReadOnlyList<ExperimentResult> RunRow(CrossLayerSetup setup, CrossLayerPair pair, string method, int seed, ExperimentRunner runner)
    {
        var results = new List<ExperimentResult>();
        foreach (var e in Row(setup, pair, method, seed)) results.Add(runner.Run(e));
        return results;
    }

    /// <summary>The finished row: its final experiment once per seed (teacher row: once per ensemble teacher).</summary>
    public sealed record RowResult(CrossLayerPair Pair, string Method, IReadOnlyList<ExperimentResult> Runs);

    /// <summary>
    /// Runs (or reuses from the store) every row of every pair for every seed; the teacher row gathers the K ensemble
    /// teachers. Returns one <see cref="RowResult"/> per (pair, method).
    /// </summary>
    public static IReadOnlyList<RowResult> Run(CrossLayerSetup setup, ExperimentRunner runner)
    {
        var rows = new List<RowResult>();
        foreach (var pair in setup.Pairs)
            foreach (var method in Methods)
            {
                var runs = SeedsOf(setup, method).Select(seed => RunRow(setup, pair, method, seed, runner)[^1]).ToList();
                rows.Add(new RowResult(pair, method, runs));
            }
        return rows;
    }
}
