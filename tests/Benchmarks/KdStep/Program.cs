using System.Text.Json;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;
using KdStep;
using static TorchSharp.torch;

// KD training speed of the Distill library; writes every figure to JSON (see README.md).
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return args.Contains("--help") || args.Contains("-h") ? 0 : 2;
}

var runtime = TorchRuntime.Initialize(options.Seed, quiet: true);
Console.WriteLine(runtime);
var device = runtime.Device;
var layouts = options.Layouts ?? (runtime.IsCuda ? ["nchw", "nhwc"] : ["nchw"]);
var started = DateTime.UtcNow;
var loadBefore = Host.LoadAverage();

var counts = options.Pairs.SelectMany(p => new[] { p.Teacher, p.Student }).Distinct().Select(name =>
{
    using var model = ModelZoo.Create(new ModelSpec(name, options.Classes));
    return new ModelCount(name, options.Classes, KdBench.CountParameters(model));
}).ToArray();
foreach (var c in counts) Console.WriteLine($"{c.Name}: {c.Parameters:N0} parameters ({c.Classes} classes)");

var bench = new KdBench(options, device);
var results = new List<Measurement>();
var failures = new List<string>();
foreach (var mode in options.Modes)
foreach (var (teacher, student) in options.Pairs)
foreach (var batch in options.Batches)
foreach (var dtype in options.Dtypes)
foreach (var layout in layouts)
foreach (var reuse in options.Reuse)
{
    try
    {
        results.Add(mode == "step"
            ? bench.Step(teacher, student, batch, dtype, layout, reuse)
            : bench.Epoch(teacher, student, batch, dtype, layout, reuse));
    }
    catch (Exception e) when (e is not UsageException)
    {
        var what = $"{mode} {teacher}->{student} B={batch} {dtype} {layout} reuse={reuse}: {e.GetType().Name}: {e.Message.Split('\n')[0]}";
        Console.Error.WriteLine("failed: " + what);
        failures.Add(what);
    }
}

var report = new
{
    Program = "KdStep (TorchSharp)",
    Date = started.ToString("yyyy-MM-ddTHH:mm:ssZ"),
    Seconds = (DateTime.UtcNow - started).TotalSeconds,
    Device = runtime.DeviceName,
    Cpu = Host.CpuModel(),
    LogicalCpus = Environment.ProcessorCount,
    TorchThreads = get_num_threads(),
    LoadAverageBefore = loadBefore,
    LoadAverageAfter = Host.LoadAverage(),
    LibTorch = runtime.LibTorch,
    TorchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
    TensorFloat32 = runtime.IsCuda,
    Config = options with { Out = Path.GetFullPath(options.Out) },
    Models = counts,
    Results = results,
    Failures = failures,
};
var json = JsonSerializer.Serialize(report, new JsonSerializerOptions(EpochMetrics.Json) { WriteIndented = true });
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Out))!);
File.WriteAllText(options.Out, json);
Console.WriteLine($"wrote {options.Out} ({results.Count} measurements, {failures.Count} failed)");
return failures.Count == 0 ? 0 : 1;
