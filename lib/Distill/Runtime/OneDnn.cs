using System.Runtime.InteropServices;

namespace Distill.Runtime;

/// <summary>
/// libtorch's switch for its oneDNN (formerly MKL-DNN) CPU kernels: at::globalContext().setUserEnabledMkldnn(bool),
/// which TorchSharp 0.107 does not expose, reached through libtorch_cpu's C++ entry points. With the switch off,
/// convolutions and the other oneDNN-backed operators run on ATen's own CPU kernels; CUDA tensors are unaffected.
/// The runtime leaves it on unless DISTILL_ONEDNN=off (see <see cref="TorchRuntime.OneDnnVariable"/>).
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
