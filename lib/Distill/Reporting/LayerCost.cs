namespace Distill.Reporting;

/// <summary>
/// What one module cost in one forward pass of a single example (batch 1). See <see cref="LayerCosts"/> for the counting rules.
/// </summary>
/// <param name="Index">Position in execution order.</param>
/// <param name="Layer">Module path inside the model, e.g. "stages.0.1.conv1".</param>
/// <param name="Type">Module type, e.g. "Conv2d".</param>
/// <param name="Input">Input shape without the batch dimension, e.g. "16x32x32".</param>
/// <param name="Output">Output shape without the batch dimension.</param>
/// <param name="Params">Trainable parameters the module owns (counted on its first run only).</param>
/// <param name="Macs">Multiply-accumulates of conv and linear layers; 0 for every other module.</param>
/// <param name="Flops">Floating-point operations: 2 x MACs (+1 per output for a bias) for conv and linear, element-wise ops elsewhere.</param>
public sealed record LayerCost(int Index, string Layer, string Type, string Input, string Output, long Params, long Macs, long Flops);
