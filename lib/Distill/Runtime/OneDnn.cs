using System.Runtime.InteropServices;

namespace Distill.Runtime;

/// <summary>
/// libtorch's switch for its oneDNN (formerly MKL-DNN) CPU kernels: at::globalContext().setUserEnabledMkldnn(bool),
/// which TorchSharp 0.107 does not expose, reached through libtorch_cpu's C++ entry points. With the switch off,
/// convolutions and the other oneDNN-backed operators run on ATen's own CPU kernels; CUDA tensors are unaffected.
/// Why it exists: oneDNN primitives that libtorch caches and runs from two managed threads at once corrupt each other's
/// outputs (measured: whole feature maps of NaN in about one detection step in four while two trainings share a
/// process; none in thousands of steps with the switch off). See <see cref="TorchRuntime.OneDnnVariable"/>.
/// </summary>
public static class OneDnn
{
    const string Library = AtenContext.Library;

    /// <summary>Whether libtorch may use oneDNN kernels on the CPU (libtorch's default is true).</summary>
    public static bool Enabled
    {
        get => UserEnabledMkldnn(AtenContext.Global());
        set => SetUserEnabledMkldnn(AtenContext.Global(), value);
    }

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.I1)]
    static extern bool UserEnabledMkldnn(IntPtr context);

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);
}
