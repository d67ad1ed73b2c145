using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Notebooks.Host.Formatting;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Kernel;

/// <summary>
/// The C# kernel: runs cells one after another with Roslyn scripting, each cell a submission continuing the
/// previous one's state (variables, usings, types), as the .NET Interactive C# kernel does. Directives are
/// resolved before compiling; display() and console output go to the running cell; the trailing expression's
/// value becomes the execute_result.
/// </summary>
public sealed class CSharpKernel
{
    /// <summary>Packages whose job (formatters, kernel extensions) the host does itself; they are never restored.</summary>
    static readonly string[] HostProvided = ["Plotly.NET.Interactive", "Microsoft.DotNet.Interactive"];
    static readonly string[] DefaultImports = ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text", "System.Threading.Tasks"];
    static readonly Lazy<IReadOnlyList<MetadataReference>> FrameworkReferences = new(LoadFrameworkReferences);
    static readonly AsyncLocal<CellOutputs?> Running = new();
    static readonly Lazy<AssemblyProbing> Probing = new(() =>
    {
        Console.SetOut(new CellConsoleWriter("stdout", Console.Out, () => Running.Value));
        Console.SetError(new CellConsoleWriter("stderr", Console.Error, () => Running.Value));
        return new AssemblyProbing();
    });

    readonly string baseDirectory;
    readonly NuGetRestore restore;
    readonly KernelGlobals globals = new();
    readonly List<PackageRequest> packages = new();
    readonly List<string> sources = new();
    ScriptOptions options;
    ScriptState<object>? state;

    /// <param name="baseDirectory">The notebook's folder: #r paths are relative to it.</param>
    public CSharpKernel(string baseDirectory, NuGetRestore restore)
    {
        this.baseDirectory = Path.GetFullPath(baseDirectory);
        this.restore = restore;
        _ = Probing.Value;
        options = ScriptOptions.Default
            .WithReferences(FrameworkReferences.Value.Append(MetadataReference.CreateFromFile(typeof(KernelGlobals).Assembly.Location)))
            .WithImports(DefaultImports)
            .WithAllowUnsafe(true)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8);
    }

    /// <summary>Runs one code cell into <paramref name="cell"/>'s outputs; false when it failed (the error is one of its outputs).</summary>
    public async Task<bool> RunAsync(Cell cell, int executionCount, CancellationToken cancel = default)
    {
        var outputs = new CellOutputs(cell);
        Running.Value = outputs;
        globals.Current = outputs;
        try
        {
            var directives = CellDirectives.Parse(cell.Source);
            AddAssemblies(directives.AssemblyPaths);
            AddPackages(directives, outputs);
            if (string.IsNullOrWhiteSpace(directives.Code)) return true;
            var cellOptions = options.WithFilePath($"cell{executionCount}.csx");
            state = state is null
                ? await CSharpScript.RunAsync(directives.Code, cellOptions, globals, typeof(KernelGlobals), cancel)
                : await state.ContinueWithAsync(directives.Code, cellOptions, cancel);
            if (HasTrailingValue(state.Script)) outputs.Add(new DisplayOutput(Formatter.Format(state.ReturnValue), executionCount));
            return true;
        }
        catch (Exception e)
        {
            outputs.Add(ErrorFormatter.Format(e));
            return false;
        }
        finally
        {
            Running.Value = null;
        }
    }

    /// <summary>True when the submission ends in an expression without a semicolon whose type is not void.</summary>
    static bool HasTrailingValue(Script script)
    {
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Single();
        if (tree.GetRoot() is not CompilationUnitSyntax { Members: [.., GlobalStatementSyntax { Statement: ExpressionStatementSyntax last }] }
            || !last.SemicolonToken.IsMissing)
            return false;
        return compilation.GetSemanticModel(tree).GetTypeInfo(last.Expression).Type?.SpecialType != SpecialType.System_Void;
    }

    void AddAssemblies(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(Path.Combine(baseDirectory, path));
            if (!File.Exists(full))
                throw new FileNotFoundException($"#r \"{path}\": no such file {full} (paths are relative to the notebook's folder {baseDirectory})");
            options = options.AddReferences(Probing.Value.AddAssembly(full));
            var dependencies = NativeLayout.Arrange(DepsJson.Resolve(full), restore.CacheRoot);
            foreach (var dependency in dependencies.Assemblies) options = options.AddReferences(Probing.Value.AddAssembly(dependency));
            foreach (var folder in dependencies.NativeFolders) Probing.Value.AddNativeFolder(folder);
        }
    }

    void AddPackages(CellDirectives directives, CellOutputs outputs)
    {
        sources.AddRange(directives.PackageSources.Except(sources));
        var requested = new List<PackageRequest>();
        foreach (var package in directives.Packages)
        {
            if (HostProvided.Any(p => package.Name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                outputs.Add(new DisplayOutput(Formatter.Text(
                    $"#r \"nuget: {package}\": provided by the notebooks host (its built-in formatters for Plotly.NET charts, Deedle frames, tensors and images); nothing to restore.")));
                continue;
            }
            var earlier = packages.FirstOrDefault(p => p.Name.Equals(package.Name, StringComparison.OrdinalIgnoreCase));
            if (earlier is null) requested.Add(package);
            else if (earlier.Version != package.Version)
                throw new InvalidOperationException($"#r \"nuget: {package}\": {earlier} was already loaded; one notebook can use only one version of a package");
        }
        if (requested.Count == 0) return;
        packages.AddRange(requested);
        var restored = NativeLayout.Arrange(restore.Restore(packages, sources), restore.CacheRoot);
        foreach (var assembly in restored.Assemblies) options = options.AddReferences(Probing.Value.AddAssembly(assembly));
        foreach (var folder in restored.NativeFolders) Probing.Value.AddNativeFolder(folder);
        var installed = restored.Resolved.Where(r => requested.Any(p => r.StartsWith(p.Name + " ", StringComparison.OrdinalIgnoreCase)));
        outputs.Add(new DisplayOutput(Formatter.Text("Installed packages: " + string.Join("; ", installed))));
    }

    /// <summary>Every managed assembly of the running shared framework, so cells compile against what they run on.</summary>
    static IReadOnlyList<MetadataReference> LoadFrameworkReferences()
    {
        var references = new List<MetadataReference>();
        foreach (var file in Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
        {
            using (var stream = File.OpenRead(file))
            using (var pe = new PEReader(stream))
                if (!pe.HasMetadata) continue;
            references.Add(MetadataReference.CreateFromFile(file));
        }
        return references;
    }
}
