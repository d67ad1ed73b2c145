using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Runtime;

/// <summary>What <see cref="TorchRuntime.Initialize"/> set up.</summary>
/// <param name="OneDnn">Whether libtorch's oneDNN CPU kernels are on (<see cref="Runtime.OneDnn"/>).</param>
/// <param name="HeapTuned">Whether glibc malloc keeps tensor-sized blocks for reuse (<see cref="NativeHeap"/>).</param>
public sealed record RuntimeInfo(Device Device, string DeviceName, string LibTorch, int Threads, int Seed, bool OneDnn, NativeLoad Native,
    bool HeapTuned = false)
{
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <summary>
    /// What decides the last bits of training arithmetic here: processor (<see cref="CpuDescription"/>), threads, oneDNN,
    /// libtorch and device. Runs of one config agree bit for bit where this matches, and only there.
    /// </summary>
    public string Arithmetic => $"{CpuDescription.Current}; {Threads} threads, oneDNN {(OneDnn ? "on" : "off")}, libtorch {LibTorch}, device {DeviceName}";
    public override string ToString() =>
        $"distill: device {DeviceName}, libtorch {LibTorch}, {Threads} threads, oneDNN {(OneDnn ? "on" : "off")}, seed {Seed}" +
        (Native.Patched ? " (glue patched for this libstdc++)" : "");
}

/// <summary>
/// The one call every program, test and notebook makes first: loads libtorch, picks the device,
/// prints one line about it and seeds every random number generator.
/// </summary>
public static class TorchRuntime
{
    /// <summary>DISTILL_DEVICE=cpu forces the CPU even where CUDA is present; =cuda makes its absence an error.</summary>
    public const string DeviceVariable = "DISTILL_DEVICE";

    /// <summary>
    /// DISTILL_ONEDNN=off turns libtorch's oneDNN CPU kernels off (<see cref="OneDnn"/>); the default is on, as in
    /// libtorch. Without oneDNN, CPU convolutions run on ATen's own kernels, 1.2x to 5x slower. The switch is an opt-out
    /// for comparing the two kernel sets; environment/GPU.md says why oneDNN was off until issue 17.
    /// </summary>
    public const string OneDnnVariable = "DISTILL_ONEDNN";

    static RuntimeInfo? current;

    public static RuntimeInfo Current => current ?? throw new InvalidOperationException("Call TorchRuntime.Initialize() first.");

    /// <summary>Managed random numbers for library code (data order on the host, ensemble weights, ...), seeded with torch.</summary>
    public static Random Rng { get; private set; } = new(0);

    public static RuntimeInfo Initialize(int seed = 0, bool quiet = false, TextWriter? log = null)
    {
        var native = TorchNative.Load();
        var info = current is null ? BringUp(native, seed) : current with { Seed = seed };
        Seed(seed, info.IsCuda);
        current = info;
        if (!quiet) (log ?? Console.Out).WriteLine(info);
        return info;
    }

    static RuntimeInfo BringUp(NativeLoad native, int seed)
    {
        var wanted = Environment.GetEnvironmentVariable(DeviceVariable)?.Trim().ToLowerInvariant();
        bool tryCuda = wanted != "cpu" && native.CudaLibDir is not null;
        Device device = CPU;
        string name = "cpu";
        if (tryCuda && torch.TryInitializeDeviceType(DeviceType.CUDA) && cuda.is_available())
        {
            device = CUDA;
            name = $"cuda:0 ({cuda.device_count()} visible)";
        }
        else
        {
            if (wanted == "cuda")
                throw new InvalidOperationException(
                    $"{DeviceVariable}=cuda but no CUDA libtorch initialised (CUDA libtorch folder: {native.CudaLibDir ?? "none found"}). " +
                    $"Reference TorchSharp-cuda-linux, or set {TorchNative.TorchLibVariable} to a PyTorch install's torch/lib.");
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        OneDnn.Enabled = OneDnnWanted(Environment.GetEnvironmentVariable(OneDnnVariable));
        if (!Nnpack.Available) Nnpack.Enabled = false;   // else every NNPACK-eligible convolution logs its failed init
        return new RuntimeInfo(device, name, torch.__version__, torch.get_num_threads(), seed, OneDnn.Enabled, native, NativeHeap.Tune());
    }

    /// <summary>The value of <see cref="OneDnnVariable"/> as a switch: unset or empty means on.</summary>
    public static bool OneDnnWanted(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "on" or "1" => true,
        "off" or "0" => false,
        var other => throw new ArgumentException($"{OneDnnVariable}={other}: expected on or off."),
    };

    public static void Seed(int seed, bool cudaToo)
    {
        torch.manual_seed(seed);
        if (cudaToo) torch.cuda.manual_seed_all(seed);
        Rng = new Random(seed);
    }
}
