using System.Runtime.InteropServices;

namespace Distill.Runtime;

/// <summary>
/// libtorch's NNPACK switch (at::globalContext().setUserEnabledNNPACK), which TorchSharp 0.107 does not expose. With
/// oneDNN off, libtorch tries NNPACK for some CPU convolutions; on a CPU that NNPACK does not support every such try
/// logs "Could not initialize NNPACK! Reason: Unsupported hardware." and falls back to ATen's kernels. The runtime turns
/// NNPACK off where it cannot initialise, so the fallback is taken without the log lines; where it works it stays on.
/// </summary>
public static class Nnpack
{
    const string Library = AtenContext.Library;

    /// <summary>Whether NNPACK initialised on this CPU (asks libtorch once; a failure is logged once by libtorch).</summary>
    public static bool Available => NnpackAvailable();

    /// <summary>Whether libtorch may use NNPACK (libtorch's default is true).</summary>
    public static bool Enabled
    {
        get => UserEnabledNnpack(AtenContext.Global());
        set => SetUserEnabledNnpack(AtenContext.Global(), value);
    }

    [DllImport(Library, EntryPoint = "_ZN2at6native17_nnpack_availableEv")]
    [return: MarshalAs(UnmanagedType.I1)]
    static extern bool NnpackAvailable();

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.I1)]
    static extern bool UserEnabledNnpack(IntPtr context);

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);
}
