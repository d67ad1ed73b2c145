using Distill.Models;
using Distill.Reporting;
using Distill.Runtime;

namespace Distill.Reports.Tests;

/// <summary>The model-cost tables hold the summary's own counts: one row per layer plus the total, and teacher / student ratios.</summary>
public class ModelTablesTests
{
    public ModelTablesTests() => TorchRuntime.Initialize(seed: 4, quiet: true);

    [Fact]
    public void LayersHasOneRowPerLayerAndATotal()
    {
        var s = ModelSummary.Of(new ModelSpec("resnet8", 10, InChannels: 1, ImageSize: 28));
        var frame = ModelTables.Layers(s);
        Assert.Equal(s.Layers.Count + 1, frame.RowCount);
        Assert.Equal(s.Macs, frame.GetColumn<long>("Macs").Get(s.Layers.Count));
        Assert.Equal(s.Params, frame.GetColumn<long>("Params").Get(s.Layers.Count));
        Assert.Equal("total", frame.GetColumn<string>("Layer").Get(s.Layers.Count));
        Assert.Equal("1x28x28", frame.GetColumn<string>("Input").Get(0));
        Assert.Equal("Conv2d", frame.GetColumn<string>("Type").Get(0));
        Assert.Equal("16x28x28", frame.GetColumn<string>("Output").Get(0));
    }

    [Fact]
    public void CompareGivesTeacherOverStudent()
    {
        var teacher = ModelSummary.Of(new ModelSpec("resnet14", 10));
        var student = ModelSummary.Of(new ModelSpec("resnet8", 10));
        var frame = ModelTables.Compare([teacher], [student]);
        Assert.Equal(["resnet14", "resnet8", "ratio"], frame.ColumnKeys);
        var ratios = frame.GetColumn<double>("ratio");
        Assert.Equal((double)teacher.Params / student.Params, ratios.Get("Params"), 12);
        Assert.Equal((double)teacher.Macs / student.Macs, ratios.Get("MACs"), 12);
        Assert.Equal((double)teacher.Flops / student.Flops, ratios.Get("FLOPs"), 12);
        Assert.Equal(teacher.SizeMB / student.SizeMB, ratios.Get("Size (MB)"), 12);
    }

    [Fact]
    public void ASideOfSeveralModelsAddsTheirCounts()
    {
        var a = ModelSummary.Of(new ModelSpec("resnet14", 10));
        var b = ModelSummary.Of(new ModelSpec("resnet8", 10));
        var frame = ModelTables.Compare([a, b], [b]);
        Assert.Equal(["resnet14 + resnet8", "resnet8", "ratio"], frame.ColumnKeys);
        Assert.Equal((double)(a.Params + b.Params), frame.GetColumn<double>("resnet14 + resnet8").Get("Params"));
        Assert.Equal((double)(a.Macs + b.Macs) / b.Macs, frame.GetColumn<double>("ratio").Get("MACs"), 12);
        Assert.Equal(["resnet8", "resnet8 (student)", "ratio"], ModelTables.Compare([b], [b]).ColumnKeys);
        Assert.Throws<ArgumentException>(() => ModelTables.Compare([], [b]));
    }
}
