using System.Collections.Concurrent;
using Distill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Losses;

/// <summary>
/// What a loss factory may need beyond its own parameters: the student's and the teachers' model specs (the Gram
/// terms of FSP / cross-layer KD and hints build their 1x1 adaptations from the tap channel counts of both) and the
/// experiment's seed (the offline ensemble's weight sequence). Everything here is a function of the experiment
/// config, so a term rebuilt from the config (to reload a checkpoint) has exactly the shape it was trained with.
/// Teachers are resolved lazily: terms that do not read them never trigger the look-up.
/// </summary>
public sealed class LossContext
{
    static readonly ConcurrentDictionary<ModelSpec, TapChannels> Probed = new();
    readonly Lazy<IReadOnlyList<ModelSpec>> teachers;

    /// <param name="student">The student's spec.</param>
    /// <param name="teachers">The teachers' specs, in the experiment's teacher order (called at most once, on first use).</param>
    /// <param name="seed">The experiment's seed.</param>
    public LossContext(ModelSpec student, Func<IReadOnlyList<ModelSpec>> teachers, int seed)
    {
        Student = student;
        this.teachers = new Lazy<IReadOnlyList<ModelSpec>>(teachers);
        Seed = seed;
    }

    public LossContext(ModelSpec student, IReadOnlyList<ModelSpec> teachers, int seed) : this(student, () => teachers, seed) { }

    public ModelSpec Student { get; }
    public IReadOnlyList<ModelSpec> Teachers => teachers.Value;
    public int Seed { get; }

    /// <summary>
    /// Channel counts of the taps of the zoo model <paramref name="spec"/>, read from one probe forward pass of a single
    /// zero image on the CPU (cached per spec). The probe leaves libtorch's global generator as it found it, so building a
    /// term consumes the same random numbers whether or not the channels were cached.
    /// </summary>
    public static TapChannels Channels(ModelSpec spec) => Probed.GetOrAdd(spec, Probe);

    static TapChannels Probe(ModelSpec spec)
    {
        var rngState = torch.random.get_rng_state();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var model = ModelZoo.Create(spec);
            model.eval();
            var taps = model.call(zeros(1, spec.InChannels, spec.ImageSize, spec.ImageSize));
            return new TapChannels(
                taps.Named.TryGetValue(StagedClassifier.StemTap, out var stem) ? (int)stem.shape[1] : null,
                ChannelAdaptation.ChannelsOf(taps),
                taps.Named.Where(t => t.Value.dim() >= 2).ToDictionary(t => t.Key, t => (int)t.Value.shape[1]));
        }
        finally
        {
            torch.random.set_rng_state(rngState);
            rngState.Dispose();
        }
    }

    /// <summary>The one teacher a single-teacher term needs; a clear error otherwise.</summary>
    public ModelSpec SingleTeacher(string term) =>
        Teachers.Count == 1
            ? Teachers[0]
            : throw new ArgumentException($"Loss term '{term}' needs exactly one teacher; the experiment lists {Teachers.Count}.");
}

/// <summary>Channel counts of a model's taps (dimension 1 of each).</summary>
/// <param name="Stem">The stem output's channels, or null when the model taps no stem.</param>
/// <param name="Stages">Every stage output's channels, in order.</param>
/// <param name="Named">Every named tap's channels (features for [N, features] taps), by name.</param>
public sealed record TapChannels(int? Stem, IReadOnlyList<int> Stages, IReadOnlyDictionary<string, int> Named);
