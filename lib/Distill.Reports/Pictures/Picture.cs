namespace Distill.Reports;

/// <summary>A picture the library draws (PNG); notebooks show it as image/png.</summary>
public interface IPicture
{
    byte[] ToPng();
}

/// <summary>A finished PNG, as <see cref="BoxDrawing"/> returns it.</summary>
public sealed class Picture(byte[] png) : IPicture
{
    public byte[] ToPng() => png;
}
