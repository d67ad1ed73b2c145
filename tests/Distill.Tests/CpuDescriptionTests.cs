using Distill.Runtime;

namespace Distill.Tests;

public class CpuDescriptionTests
{
    const string Xeon = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n" +
                        "flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512dq\n\nprocessor\t: 1\nmodel name\t: Intel(R) Xeon(R) Processor\n";

    [Fact]
    public void ModelWidestVectorExtensionAndInstructionLimitsAreNamed()
    {
        static string? None(string _) => null;
        Assert.Equal("Intel(R) Xeon(R) Processor, AVX-512", CpuDescription.Describe(Xeon, None));
        Assert.Equal("Intel(R) Xeon(R) Processor, AVX2", CpuDescription.Describe(Xeon.Replace(" avx512f avx512dq", ""), None));
        Assert.Equal("EPYC, AVX", CpuDescription.Describe("model name : EPYC\nflags : sse avx\n", None));
        Assert.Equal("EPYC", CpuDescription.Describe("model name : EPYC\nflags : sse sse2\n", None));
        var limited = new Dictionary<string, string?> { ["MKL_ENABLE_INSTRUCTIONS"] = "AVX2", ["ONEDNN_MAX_CPU_ISA"] = "", ["MKL_CBWR"] = "COMPATIBLE" };
        Assert.Equal("Intel(R) Xeon(R) Processor, AVX-512, MKL_ENABLE_INSTRUCTIONS=AVX2, MKL_CBWR=COMPATIBLE",
            CpuDescription.Describe(Xeon, name => limited.GetValueOrDefault(name)));
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(), CpuDescription.Describe(null, None));
    }
}
