namespace DataPrep.Video;

/// <summary>How the sprite of a generated action clip moves; the motion-vector stream's cue.</summary>
public enum SpriteMotion { MovesRight, MovesLeft, ZoomsIn, TurnsClockwise, MovesUp, MovesDown, ZoomsOut, TurnsCounterclockwise }

/// <summary>A class of the generated action set: a Fashion-MNIST category (the I-frame stream's cue) doing a motion.</summary>
/// <param name="Appearance">Name of the Fashion-MNIST category, as a UCF-101 style CamelCase word.</param>
/// <param name="Category">Fashion-MNIST label 0..9.</param>
/// <param name="Fast">Twice the motion per frame (the third class dimension, for more than 80 classes).</param>
public sealed record ActionClass(string Appearance, int Category, SpriteMotion Motion, bool Fast = false)
{
    /// <summary>The class name as UCF-101 writes them (CamelCase, no separators), e.g. "TrouserZoomsIn", "TrouserZoomsInFast".</summary>
    public string Name => Appearance + Motion + (Fast ? "Fast" : "");
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

    /// <summary>
    /// All motion x appearance (x speed) classes, appearance-major (class (a * motions + m) * speeds + s), or the first
    /// <paramref name="count"/> of them: speeds 2 adds a fast variant of every motion, so up to 160 classes (UCF-101's 101).
    /// </summary>
    public static IReadOnlyList<ActionClass> Make(int motions, int appearances, int speeds = 1, int? count = null)
    {
        if (motions < 1 || motions > MaxMotions) throw new ArgumentException($"motions must be 1..{MaxMotions}, got {motions}");
        if (appearances < 1 || appearances > MaxAppearances)
            throw new ArgumentException($"appearances must be 1..{MaxAppearances}, got {appearances}");
        if (speeds is < 1 or > 2) throw new ArgumentException($"speeds must be 1 or 2, got {speeds}");
        int all = motions * appearances * speeds;
        if (count is < 1 || count > all)
            throw new ArgumentException($"classes must be 1..{all} (motions x appearances x speeds), got {count}");
        return [.. Appearances.Take(appearances).SelectMany(a => Enum.GetValues<SpriteMotion>().Take(motions)
            .SelectMany(m => Enumerable.Range(0, speeds).Select(s => new ActionClass(a.Name, a.Label, m, Fast: s == 1))))
            .Take(count ?? all)];
    }
}
