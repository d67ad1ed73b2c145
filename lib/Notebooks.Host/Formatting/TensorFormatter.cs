using System.Reflection;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Formatting;

/// <summary>
/// TorchSharp tensors: shape, dtype, device and a preview of the values (all of them up to
/// <see cref="FullPreview"/> elements, else the first <see cref="HeadPreview"/> of the flattened tensor).
/// </summary>
public static class TensorFormatter
{
    public const string TensorType = "TorchSharp.torch+Tensor";
    public const int FullPreview = 64, HeadPreview = 16;

    public static MimeBundle? TryFormat(object value)
    {
        if (Reflect.FindBase(value.GetType(), TensorType) is null) return null;
        var shape = (long[])Reflect.Get(value, "shape")!;
        var dtype = Reflect.Get(value, "dtype")?.ToString();
        var device = Reflect.Get(value, "device")?.ToString();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        string preview;
        if (count <= FullPreview) preview = Numpy(value);
        else
        {
            using var flat = (IDisposable)Reflect.Call(value, "reshape", new long[] { -1 })!;
            using var head = (IDisposable)Reflect.Call(flat, "slice", 0L, 0L, (long)HeadPreview, 1L)!;
            preview = $"first {HeadPreview} of {count} values: {Numpy(head)}";
        }
        var header = $"Tensor shape [{string.Join(", ", shape)}], dtype {dtype}, device {device}";
        var html = $"<div class=\"tensor\"><b>{Formatter.Encode(header)}</b><pre>{Formatter.Encode(preview)}</pre></div>";
        return MimeBundle.Of(html, header + "\n" + preview);
    }

    /// <summary>The tensor's own numpy-style ToString(TensorStringStyle.Numpy, ...), other arguments at their defaults.</summary>
    static string Numpy(object tensor)
    {
        var toString = tensor.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .First(m => m.Name == "ToString" && m.GetParameters() is [var style, ..] && style.ParameterType.Name == "TensorStringStyle");
        var parameters = toString.GetParameters();
        var args = parameters.Select(p => p.HasDefaultValue ? p.DefaultValue : null).ToArray();
        args[0] = Enum.Parse(parameters[0].ParameterType, "Numpy");
        return (string)toString.Invoke(tensor, args)!;
    }
}
