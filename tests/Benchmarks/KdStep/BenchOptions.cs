using System.Globalization;
using System.Text.Json.Serialization;

namespace KdStep;

/// <summary>
/// What one benchmark run measures. Every list multiplies: each (teacher, student) pair at each batch size, in each
/// dtype, memory layout and teacher-reuse setting. Defaults depend on the device: on CUDA both layouts, on the CPU
/// plain NCHW only (channels-last is a cuDNN speed path).
/// </summary>
public sealed record BenchOptions
{
    [JsonIgnore]
    public IReadOnlyList<(string Teacher, string Student)> Pairs { get; init; } = [("resnet32", "resnet8")];

    /// <summary>The pairs as written on the command line ("teacher:student"), for the JSON record.</summary>
    public IEnumerable<string> PairNames => Pairs.Select(p => $"{p.Teacher}:{p.Student}");
    public IReadOnlyList<int> Batches { get; init; } = [128, 512];
    public int Classes { get; init; } = 100;
    public IReadOnlyList<string> Dtypes { get; init; } = ["fp32", "bf16"];
    /// <summary>"nchw" and/or "nhwc" (channels-last strides); null picks by device.</summary>
    public IReadOnlyList<string>? Layouts { get; init; }
    public IReadOnlyList<bool> Reuse { get; init; } = [false, true];
    public IReadOnlyList<string> Modes { get; init; } = ["step", "epoch"];
    /// <summary>Step mode: steps in the warm-up epoch and in each timed epoch.</summary>
    public int WarmupSteps { get; init; } = 10;
    public int Steps { get; init; } = 50;
    /// <summary>Timed repetitions (epochs) after the warm-up; the median is reported.</summary>
    public int Repeats { get; init; } = 3;
    /// <summary>Epoch mode: training batches per epoch (the generated train split has this many full batches).</summary>
    public int EpochBatches { get; init; } = 40;
    public double Temperature { get; init; } = 4.0;
    /// <summary>Weight of the Hinton KD term; the cross-entropy term gets 1 - alpha.</summary>
    public double Alpha { get; init; } = 0.9;
    public string Out { get; init; } = "kdstep.json";
    public int Seed { get; init; } = 1;

    public const string Usage = """
        KdStep: KD training speed of the Distill library (teacher forward + student forward/backward + SGD).
          --pairs resnet32:resnet8,vgg11:vgg6   teacher:student pairs (zoo names)
          --batches 128,512                     batch sizes
          --classes 100                         classes (CIFAR-shaped 3x32x32 inputs)
          --dtypes fp32,bf16                    parameter/activation dtypes (bf16 = whole model in bfloat16)
          --layouts nchw,nhwc                   memory layouts (default: both on CUDA, nchw on CPU)
          --reuse off,on                        teacher outputs recomputed (off) or replayed from a cache (on)
          --modes step,epoch                    KD step on a fixed batch / whole epochs through DeviceImageLoader
          --warmup 10 --steps 50 --repeats 3    step mode: warm-up steps, steps per timed repeat, timed repeats
          --epoch-batches 40                    epoch mode: batches per epoch (repeats + 1 epochs run)
          --out kdstep.json                     where the JSON goes
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            if (flag is "-h" or "--help") throw new UsageException(Usage);
            if (i + 1 >= args.Length) throw new UsageException($"{flag} needs a value.\n{Usage}");
            string v = args[++i];
            o = flag switch
            {
                "--pairs" => o with { Pairs = List(v).Select(Pair).ToArray() },
                "--batches" => o with { Batches = List(v).Select(s => Int(flag, s)).ToArray() },
                "--classes" => o with { Classes = Int(flag, v) },
                "--dtypes" => o with { Dtypes = List(v).Select(d => OneOf(flag, d, "fp32", "bf16")).ToArray() },
                "--layouts" => o with { Layouts = List(v).Select(d => OneOf(flag, d, "nchw", "nhwc")).ToArray() },
                "--reuse" => o with { Reuse = List(v).Select(d => OneOf(flag, d, "off", "on") == "on").ToArray() },
                "--modes" => o with { Modes = List(v).Select(d => OneOf(flag, d, "step", "epoch")).ToArray() },
                "--warmup" => o with { WarmupSteps = Int(flag, v) },
                "--steps" => o with { Steps = Int(flag, v) },
                "--repeats" => o with { Repeats = Int(flag, v) },
                "--epoch-batches" => o with { EpochBatches = Int(flag, v) },
                "--temperature" => o with { Temperature = double.Parse(v, CultureInfo.InvariantCulture) },
                "--alpha" => o with { Alpha = double.Parse(v, CultureInfo.InvariantCulture) },
                "--out" => o with { Out = v },
                "--seed" => o with { Seed = Int(flag, v) },
                _ => throw new UsageException($"Unknown option {flag}.\n{Usage}"),
            };
        }
        return o;
    }

    static string[] List(string v) => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static (string, string) Pair(string v) =>
        v.Split(':') is [var t, var s] && t.Length > 0 && s.Length > 0
            ? (t, s)
            : throw new UsageException($"--pairs: '{v}' is not teacher:student.");

    static int Int(string flag, string v) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new UsageException($"{flag}: '{v}' is not a positive integer.");

    static string OneOf(string flag, string v, params string[] allowed) =>
        allowed.Contains(v.ToLowerInvariant())
            ? v.ToLowerInvariant()
            : throw new UsageException($"{flag}: '{v}' is not one of {string.Join(", ", allowed)}.");
}

/// <summary>Bad command line: the message says what was wrong and how to call the program.</summary>
public sealed class UsageException(string message) : Exception(message);
