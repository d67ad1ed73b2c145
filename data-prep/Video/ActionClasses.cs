namespace DataPrep.Video;

/// <summary>How the sprite of a generated action clip moves; the motion-vector stream's cue.</summary>
public enum SpriteMotion { MovesRight, MovesLeft, ZoomsIn, TurnsClockwise, MovesUp, MovesDown, ZoomsOut, TurnsCounterclockwise }

/// <summary>A class of the generated action set: a Fashion-MNIST category (the I-frame stream's cue) doing a motion.</summary>
/// <param name="Appearance">Name of the Fashion-MNIST category, as a UCF-101 style CamelCase word.</param>
/// <param name="Category">Fashion-MNIST label 0..9.</param>
public sealed record ActionClass(string Appearance, int Category, SpriteMotion Motion)
{
    /// <summary>The class name as UCF-101 writes them (CamelCase, no separators), e.g. "TrouserZoomsIn".</summary>
    public string Name => Appearance + Motion;
}

/// <summary>
/// The classes of the generated action set: every combination of the first <c>motions</c> motions and the first
/// <c>appearances</c> Fashion-MNIST categories, so neither appearance (I-frames) nor motion (motion vectors) alone
/// separates all classes, while their fusion does; residuals carry both the moving sprite's edges and its texture.
/// </summary>
public static class ActionClasses
{
    /// <summary>Fashion-MNIST categories in the order classes use them (visually distinct ones first).</summary>
    static readonly (string Name, int Label)[] Appearances =
    [
        ("Trouser", 1), ("Bag", 8), ("Sneaker", 7), ("Dress", 3), ("Pullover", 2),
        ("Sandal", 5), ("Coat", 4), ("AnkleBoot", 9), ("Shirt", 6), ("Tshirt", 0),
    ];

    public static int MaxMotions => Enum.GetValues<SpriteMotion>().Length;
    public static int MaxAppearances => Appearances.Length;

    /// <summary>All motion x appearance classes, appearance-major (class a * motions + m).</summary>
    public static IReadOnlyList<ActionClass> Make(int motions, int appearances)
    {
        if (motions < 1 || motions > MaxMotions) throw new ArgumentException($"motions must be 1..{MaxMotions}, got {motions}");
        if (appearances < 1 || appearances > MaxAppearances)
            throw new ArgumentException($"appearances must be 1..{MaxAppearances}, got {appearances}");
        return [.. Appearances.Take(appearances).SelectMany(a =>
            Enum.GetValues<SpriteMotion>().Take(motions).Select(m => new ActionClass(a.Name, a.Label, m)))];
    }
}
