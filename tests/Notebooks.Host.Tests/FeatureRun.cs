using System.Text.Json.Nodes;

namespace Notebooks.Host.Tests;

/// <summary>
/// One run of a notebook that touches every feature the project's notebooks use, shared by the tests of the
/// "notebook runs" collection so the kernel and the package restore warm up once. It is run through the CLI as
/// `notebooks run features.ipynb --out OUT --param Epochs=5 --profile smoke`, and starts as the project's notebooks do:
/// #r of Distill.Interactive with NotebookSetup.Use(), then #r "nuget: Plotly.NET.Interactive".
/// </summary>
public sealed class FeatureRun : IAsyncLifetime
{
    public const string PlotlyInteractive = "Plotly.NET.Interactive, 6.0.0";

    public string Folder { get; } = TestNotebooks.ScratchFolder("features");
    public string OutFolder => Path.Combine(Folder, "out");

    public int Exit { get; private set; }
    public JsonObject Executed { get; private set; } = new();
    public string Html { get; private set; } = "";
    public string HtmlPath => Path.Combine(OutFolder, "features.html");

    /// <summary>The code cells of the executed notebook, in order (the injected-parameters cell included).</summary>
    public List<JsonObject> CodeCells => Executed["cells"]!.AsArray().Select(c => c!.AsObject())
        .Where(c => (string?)c["cell_type"] == "code").ToList();

    /// <summary>The executed code cell whose source contains <paramref name="marker"/>.</summary>
    public JsonObject Cell(string marker) => CodeCells.Single(c => Source(c).Contains(marker));

    public static string Source(JsonObject cell) => string.Concat(cell["source"]!.AsArray().Select(l => (string?)l));

    public static string Text(JsonNode? multiline) => multiline is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)multiline ?? "";

    public async Task InitializeAsync()
    {
        var library = Path.GetRelativePath(Folder, TestNotebooks.InteractiveDll).Replace('\\', '/');
        var notebook = TestNotebooks.Write(Folder, "features",
            Notebook.Cell.NewMarkdown("# Feature tour\nState across cells, **packages**, displays and charts."),
            TestNotebooks.Code("int Epochs = 3;\ndouble LearningRate = 0.1;\nstring Profile = \"paper\";", "parameters"),
            TestNotebooks.Code($"// setup\n#r \"{library}\"\nDistill.Interactive.NotebookSetup.Use()"),
            TestNotebooks.Code($"#r \"nuget: {PlotlyInteractive}\"\nint answer = 41;\n" +
                "Console.WriteLine($\"epochs={Epochs} lr={LearningRate} profile={Profile}\");"),
            TestNotebooks.Code("// state\nanswer + 1"),
            TestNotebooks.Code("// display\ndisplay(\"shown\");\nHTML(\"<b id=\\\"html-output\\\">bold</b>\")"),
            TestNotebooks.Code("// progress\nvar progress = display(\"step 0 of 4\");\nfor (int step = 1; step <= 4; step++) progress.Update($\"step {step} of 4\");"),
            TestNotebooks.Code("// frame\nDeedle.Frame.FromRecords(new[] { new { Epoch = 1, Loss = 2.5 }, new { Epoch = 2, Loss = 1.25 } })"),
            TestNotebooks.Code("// chart\nPlotly.NET.CSharp.Chart.Line<int, double, string>(x: new[] { 1, 2, 3 }, y: new[] { 0.5, 0.25, 0.125 }, Name: \"loss\")"),
            TestNotebooks.Code("// torch\nDistill.Runtime.TorchRuntime.Initialize(0, quiet: true);\n" +
                "TorchSharp.torch.arange(6, dtype: TorchSharp.torch.float32).reshape(2, 3).sum(1).data<float>().ToArray()"),
            TestNotebooks.Code("// image\n" + PngCell));
        Exit = await TestNotebooks.Cli("run", notebook, "--out", OutFolder, "--param", "Epochs=5", "--profile", "smoke");
        var failed = Path.Combine(OutFolder, "features.failed.ipynb");
        if (File.Exists(failed))
            throw new InvalidOperationException($"the feature notebook failed (exit {Exit}): " + string.Join("\n",
                TestNotebooks.ReadJson(failed)["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? [])
                    .Where(o => (string?)o!["output_type"] == "error").Select(o => o!.ToJsonString())));
        Executed = TestNotebooks.ReadJson(Path.Combine(OutFolder, "features.ipynb"));
        Html = File.ReadAllText(HtmlPath);
        Chromium = Task.Run(() => TestNotebooks.Run("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            $"--user-data-dir={Path.Combine(Folder, "chromium-profile")}", "--proxy-server=127.0.0.1:9", $"--log-net-log={NetLog}",
            "--dump-dom", new Uri(HtmlPath).AbsoluteUri));
    }

    /// <summary>
    /// Headless Chromium's DOM of the report after its scripts ran, every connection sent to a dead proxy and logged
    /// to <see cref="NetLog"/>. Started as soon as the report exists, so it renders while the other tests run.
    /// </summary>
    public Task<(int Exit, string Output)> Chromium { get; private set; } = Task.FromResult((-1, "not started"));

    public string NetLog => Path.Combine(Folder, "net-log.json");

    /// <summary>A cell that encodes a 3x2 RGB PNG by hand (zlib + CRC-32) and shows it as one of the library's pictures.</summary>
    const string PngCell = """
        uint Crc(IEnumerable<byte> data) { uint c = 0xFFFFFFFF; foreach (var b in data) { c ^= b; for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1; } return ~c; }
        byte[] BigEndian(uint v) => BitConverter.GetBytes(v).Reverse().ToArray();
        byte[] Chunk(string type, byte[] body) { var typed = Encoding.ASCII.GetBytes(type).Concat(body).ToArray(); return BigEndian((uint)body.Length).Concat(typed).Concat(BigEndian(Crc(typed))).ToArray(); }
        var rows = new byte[] { 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 128, 128, 128, 255, 255, 255 };
        var packed = new System.IO.MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) z.Write(rows);
        byte[] png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }
            .Concat(Chunk("IHDR", BigEndian(3).Concat(BigEndian(2)).Concat(new byte[] { 8, 2, 0, 0, 0 }).ToArray()))
            .Concat(Chunk("IDAT", packed.ToArray())).Concat(Chunk("IEND", [])).ToArray();
        new Distill.Reports.Picture(png)
        """;

    public async Task DisposeAsync()
    {
        await Chromium;
        Directory.Delete(Folder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class NotebookRuns : ICollectionFixture<FeatureRun>
{
    public const string Name = "notebook runs";
}
