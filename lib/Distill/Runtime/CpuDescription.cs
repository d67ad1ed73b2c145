using System.Runtime.InteropServices;

namespace Distill.Runtime;

/// <summary>
/// The processor as far as it decides the last bits of CPU arithmetic: its model name, the widest vector extension MKL
/// and oneDNN can pick (AVX-512, AVX2, AVX) and any limit set through MKL_ENABLE_INSTRUCTIONS, MKL_CBWR or
/// ONEDNN_MAX_CPU_ISA. The same code and config train to other numbers where these differ: the cpu-profile ResNet-32
/// teacher's first-epoch loss is 1.6077 with AVX-512, 1.5545 with MKL limited to AVX2, 1.5662 to AVX (2026-12-05).
/// </summary>
public static class CpuDescription
{
    static readonly string[] Limits = ["MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR", "ONEDNN_MAX_CPU_ISA"];

    /// <summary>This machine's description (read once).</summary>
    public static string Current { get; } =
        Describe(File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : null, Environment.GetEnvironmentVariable);

    /// <summary>The description from the text of /proc/cpuinfo (null elsewhere: the architecture alone) and the environment.</summary>
    public static string Describe(string? cpuinfo, Func<string, string?> environment)
    {
        string model = RuntimeInformation.ProcessArchitecture.ToString(), vector = "";
        if (cpuinfo is not null)
        {
            var lines = cpuinfo.Split('\n');
            string? Field(string key) =>
                lines.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal) && l.Contains(':')) is { } line ? line[(line.IndexOf(':') + 1)..].Trim() : null;
            model = Field("model name") ?? model;
            var flags = (Field("flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            vector = flags.Contains("avx512f") ? "AVX-512" : flags.Contains("avx2") ? "AVX2" : flags.Contains("avx") ? "AVX" : "";
        }
        var limits = Limits.Select(name => environment(name) is { Length: > 0 } value ? $"{name}={value}" : "");
        return string.Join(", ", new[] { model, vector }.Concat(limits).Where(part => part.Length > 0));
    }
}
