using System.CommandLine;
using Deedle;
using Distill.Models;
using Distill.Reporting;
using Distill.Reports;
using Distill.Runtime;

namespace Distill.Cli;

/// <summary>
/// `distill summary &lt;model&gt; [--classes N] [--in-channels C] [--image-size S] [--width W] [--vs other]`: per-layer parameters,
/// MACs and FLOPs of a zoo model, and with --vs the teacher / student ratio view.
/// </summary>
static class SummaryCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Zoo model name, e.g. resnet32, vgg11, mobilenet16, resnet152." };
        var classes = new Option<int>("--classes") { Description = "Classifier size.", DefaultValueFactory = _ => 100 };
        var channels = new Option<int>("--in-channels") { Description = "Input channels (3 RGB, 1 Fashion-MNIST, 2 motion vectors).", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--image-size") { Description = "Input height = width.", DefaultValueFactory = _ => 32 };
        var width = new Option<double>("--width") { Description = "Channel width multiplier.", DefaultValueFactory = _ => 1.0 };
        var vs = new Option<string?>("--vs") { Description = "A second (student) model, same input; prints the ratio view." };
        var layers = new Option<bool>("--no-layers") { Description = "Print totals only, not the per-layer table." };
        var command = new Command("summary", "Parameters, MACs and FLOPs of a zoo model, per layer and in total.")
        {
            model, classes, channels, size, width, vs, layers,
        };
        command.SetAction(parse =>
        {
            TorchRuntime.Initialize(quiet: true);
            var spec = new ModelSpec(parse.GetValue(model)!, parse.GetValue(classes), parse.GetValue(channels), parse.GetValue(size), parse.GetValue(width));
            try
            {
                var teacher = ModelSummary.Of(spec);
                if (!parse.GetValue(layers)) ModelTables.Layers(teacher).Print();
                Console.WriteLine(teacher);
                if (parse.GetValue(vs) is { } other)
                {
                    var student = ModelSummary.Of(spec with { Name = other });
                    Console.WriteLine(student);
                    Console.WriteLine();
                    ModelTables.Compare([teacher], [student]).Print();
                }
                return 0;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"distill summary: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
