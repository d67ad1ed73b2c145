using System.Runtime.InteropServices;

namespace Distill.Runtime;

/// <summary>libtorch's global at::Context, whose switches TorchSharp 0.107 does not expose (see <see cref="OneDnn"/>, <see cref="Nnpack"/>).</summary>
internal static class AtenContext
{
    public const string Library = "libtorch_cpu.so";

    [DllImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
    public static extern IntPtr Global();
}
