using System.Diagnostics;
using Distill.Data;
using Distill.Losses;
using Distill.Models;
using Distill.Runtime;
using Distill.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace KdStep;

/// <summary>
/// Measures one (teacher, student, batch, dtype, layout, reuse) configuration with the library's own
/// <see cref="Trainer"/>: loss = (1 - alpha) CE + alpha Hinton KD (T), SGD momentum 0.9, weight decay 5e-4.
/// Epoch 0 is the warm-up; epochs 1..repeats are timed.
/// </summary>
public sealed class KdBench(BenchOptions options, Device device)
{
    public static ScalarType DtypeOf(string name) => name == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32;

    public static long CountParameters(DistillModel model) => model.parameters().Sum(p => p.numel());

    public Measurement Step(string teacherName, string studentName, int batch, string dtype, string layout, bool reuse)
    {
        var dt = DtypeOf(dtype);
        using var images = randn([batch, 3, 32, 32], dtype: dt, device: device);
        using var labels = randint(0, options.Classes, [batch], ScalarType.Int64, device: device);
        var tuning = Tuning(layout);
        using var train = new FixedBatchSource(tuning.Layout(images).alias(), labels.alias(), options.Steps, options.WarmupSteps, options.Classes);
        using var test = new FixedBatchSource(tuning.Layout(images).alias(), labels.alias(), 1, 1, options.Classes);
        return Run("step", teacherName, studentName, batch, dtype, layout, reuse, augment: false, train, test, positions: 1, options.Steps);
    }

    public Measurement Epoch(string teacherName, string studentName, int batch, string dtype, string layout, bool reuse)
    {
        var name = options.Classes switch
        {
            100 => Cifar100.Name,
            10 => Cifar10.Name,
            _ => throw new UsageException($"Epoch mode generates CIFAR-10 or CIFAR-100 shaped data; --classes {options.Classes} is neither."),
        };
        var info = DataCatalog.Info(name);
        var data = SyntheticImages.Generate(name, options.EpochBatches * batch, batch, options.Seed);
        // Replaying teacher outputs is valid only when every epoch presents the same batches: no shuffle, no augmentation.
        var trainOptions = reuse
            ? new LoaderOptions(batch, info.Stats, DropLast: true, Seed: options.Seed)
            : new LoaderOptions(batch, info.Stats, Shuffle: true, CropPadding: info.CropPadding, Flip: info.Flip, DropLast: true, Seed: options.Seed);
        using var trainLoader = new DeviceImageLoader(data.Train, info.NumClasses, trainOptions, device);
        using var testLoader = new DeviceImageLoader(data.Test, info.NumClasses, new LoaderOptions(batch, info.Stats), device);
        var dt = DtypeOf(dtype);
        return Run("epoch", teacherName, studentName, batch, dtype, layout, reuse, augment: trainOptions.Augments,
            new CastSource(trainLoader, dt), new CastSource(testLoader, dt), positions: trainLoader.BatchesPerEpoch,
            trainLoader.BatchesPerEpoch);
    }

    DeviceTuning Tuning(string layout) => new(layout == "nhwc", device.type == DeviceType.CUDA);

    Measurement Run(string mode, string teacherName, string studentName, int batch, string dtype, string layout, bool reuse,
        bool augment, IBatchSource train, IBatchSource test, int positions, int stepsPerRepeat)
    {
        TorchRuntime.Seed(options.Seed, device.type == DeviceType.CUDA);
        var dt = DtypeOf(dtype);
        using var teacher = ModelZoo.Create(new ModelSpec(teacherName, options.Classes));
        using var student = ModelZoo.Create(new ModelSpec(studentName, options.Classes));
        teacher.to(dt);
        student.to(dt);
        DistillModel used = reuse ? new ReplayTeacher(teacher, positions) : teacher;
        using var distiller = new Distiller(student, [used],
            [(new CrossEntropy(), 1 - options.Alpha), (new HintonKd(options.Temperature), options.Alpha)]);
        var trainer = Trainer.Of(distiller, train, test, new TrainerOptions
        {
            Epochs = options.Repeats + 1,
            Optimizer = OptimizerSpec.Sgd(0.05),
            Seed = options.Seed,
            CheckEvery = Math.Max(stepsPerRepeat, options.WarmupSteps),
            Tuning = Tuning(layout),
            Log = TextWriter.Null,
        });
        var clock = Stopwatch.StartNew();
        var history = trainer.Fit().History;
        if (reuse) used.Dispose();
        var timed = history.Skip(1).Select(m => m.ImagesPerSecond).ToArray();
        double median = Median(timed);
        var m = new Measurement(mode, teacherName, studentName, batch, dtype, layout, reuse, augment, stepsPerRepeat,
            1000.0 * batch / median, median, timed, timed.Max(), history[0].Seconds, history[^1].Losses["total"]);
        Console.WriteLine($"{mode,-5} {teacherName}->{studentName} B={batch} {dtype} {layout} reuse={(reuse ? "on" : "off")}" +
                          $"{(augment ? " aug" : "")}: {m.MsPerStep:F2} ms/step, {m.ImagesPerSecond:F0} img/s " +
                          $"(repeats {string.Join(", ", timed.Select(x => x.ToString("F0")))}; {clock.Elapsed.TotalSeconds:F1} s in all)");
        return m;
    }

    static double Median(double[] xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
