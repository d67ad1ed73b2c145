using System.Text;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests;

public class RuntimeTests
{
    static string PristineGlue()
    {
        var info = TorchRuntime.Initialize(seed: 7, quiet: true);
        var dir = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        return Path.Combine(dir, "libLibTorchSharp.so");
    }

    /// <summary>Whether the libstdc++ this process runs with defines GLIBCXX_3.4.32 (GCC 13 or newer).</summary>
    static bool LibstdcxxHasMissingVersion()
    {
        var path = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].Contains("libstdc++.so")).Select(f => f[5]).First();
        var needle = Encoding.ASCII.GetBytes(TorchNative.MissingVersion + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }

    [Fact]
    public void LoadsTorchSharpAndRunsABackwardPass()
    {
        var info = TorchRuntime.Initialize(seed: 7, quiet: true);
        Assert.Equal(DeviceType.CPU, info.Device.type);
        var x = tensor(new float[] { 1f, -2f, 3f }, requires_grad: true);
        var y = (x * x * x).sum();
        y.backward();
        // d/dx sum(x^3) = 3x^2
        Assert.Equal(new float[] { 3f, 12f, 27f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void PatchesOnlyWhereTheSystemLibstdcxxLacksTheVersion()
    {
        var info = TorchRuntime.Initialize(seed: 1, quiet: true);
        Assert.Equal(!LibstdcxxHasMissingVersion(), info.Native.Patched);
        Assert.StartsWith("distill: device cpu, libtorch ", info.ToString());
    }

    [Fact]
    public void TheGlueNeedsGlibcxx3432OnceAndTheShippedFileIsNeverModified()
    {
        var glue = PristineGlue();
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(glue), glue);
        var need = Assert.Single(needs, n => n.Version == TorchNative.MissingVersion);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.Equal(0, need.Flags & ElfVersionNeeds.VerFlagWeak);
        Assert.Contains(needs, n => n.Version == "GLIBC_2.2.5" && n.File == "libc.so.6");
    }

    [Fact]
    public void MarkWeakFlipsExactlyTheOneFlagsField()
    {
        var glue = PristineGlue();
        var before = File.ReadAllBytes(glue);
        var after = (byte[])before.Clone();
        Assert.True(ElfVersionNeeds.MarkWeak(after, TorchNative.MissingVersion, glue));
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        var need = ElfVersionNeeds.Read(after, glue).Single(n => n.Version == TorchNative.MissingVersion);
        Assert.Equal(new[] { (int)need.FlagsOffset }, changed);
        Assert.Equal(ElfVersionNeeds.VerFlagWeak, need.Flags);
        // every other need keeps its flags
        Assert.All(ElfVersionNeeds.Read(after, glue).Where(n => n.Version != TorchNative.MissingVersion), n => Assert.Equal(0, n.Flags));
        Assert.False(ElfVersionNeeds.MarkWeak(after, "GLIBCXX_9.9.99", glue));
    }

    [Fact]
    public void NonElfInputIsRejectedWithThePath()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(Encoding.ASCII.GetBytes("not an elf at all, just text padding it out to sixty-four bytes......"), "/x/fake.so"));
        Assert.Contains("/x/fake.so", e.Message);
        var truncated = File.ReadAllBytes(PristineGlue())[..4096];
        var t = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated, "/x/cut.so"));
        Assert.Contains("/x/cut.so", t.Message);
    }

    [Fact]
    public void PatchedCopyIsKeyedByTheGlueContentAndReused()
    {
        var glue = PristineGlue();
        var root = Directory.CreateTempSubdirectory("distill-native-").FullName;
        try
        {
            var trace = new List<string>();
            var first = TorchNative.PatchedCopy(glue, root, trace);
            var again = TorchNative.PatchedCopy(glue, root, trace);
            Assert.Equal(first, again);
            Assert.Contains(trace, t => t.StartsWith("using cached patched copy"));
            var dir = Path.GetDirectoryName(first)!;
            Assert.True(File.Exists(Path.Combine(dir, "libiosinit.so")));
            Assert.Equal(Path.Combine(Path.GetDirectoryName(glue)!, "libtorch.so"), new FileInfo(Path.Combine(dir, "libtorch.so")).LinkTarget);
            var copy = File.ReadAllBytes(first);
            Assert.Equal(ElfVersionNeeds.VerFlagWeak, ElfVersionNeeds.Read(copy, first).Single(n => n.Version == TorchNative.MissingVersion).Flags);

            // a different glue (a new package version) gets its own folder
            var other = Path.Combine(root, "other", "libLibTorchSharp.so");
            Directory.CreateDirectory(Path.GetDirectoryName(other)!);
            var bytes = File.ReadAllBytes(glue);
            bytes[bytes.Length / 2] ^= 0xFF; // a byte of code, not of the ELF tables
            File.WriteAllBytes(other, bytes);
            var second = TorchNative.PatchedCopy(other, root, trace);
            Assert.NotEqual(Path.GetDirectoryName(first), Path.GetDirectoryName(second));
            Assert.Equal(0, ElfVersionNeeds.Read(File.ReadAllBytes(glue), glue).Single(n => n.Version == TorchNative.MissingVersion).Flags);

            // the same glue in another folder (a second checkout) gets its own copy, linked to its own neighbours
            var twin = Path.Combine(root, "twin", "libLibTorchSharp.so");
            Directory.CreateDirectory(Path.GetDirectoryName(twin)!);
            File.Copy(glue, twin);
            File.WriteAllBytes(Path.Combine(root, "twin", "libtorch.so"), []);
            var third = TorchNative.PatchedCopy(twin, root, trace);
            Assert.NotEqual(Path.GetDirectoryName(first), Path.GetDirectoryName(third));
            Assert.Equal(Path.Combine(root, "twin", "libtorch.so"), new FileInfo(Path.Combine(Path.GetDirectoryName(third)!, "libtorch.so")).LinkTarget);
            Assert.Equal(Path.Combine(Path.GetDirectoryName(glue)!, "libtorch.so"), new FileInfo(Path.Combine(Path.GetDirectoryName(first)!, "libtorch.so")).LinkTarget);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void SeedingMakesTorchAndManagedRandomnessRepeatable()
    {
        TorchRuntime.Initialize(seed: 42, quiet: true);
        var a = randn(5).data<float>().ToArray();
        var r1 = TorchRuntime.Rng.Next();
        TorchRuntime.Initialize(seed: 42, quiet: true);
        var b = randn(5).data<float>().ToArray();
        Assert.Equal(a, b);
        Assert.Equal(r1, TorchRuntime.Rng.Next());
    }
}
