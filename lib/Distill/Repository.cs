namespace Distill;

/// <summary>
/// The repository a notebook or program runs in: the nearest folder at or above the working folder that holds
/// Notebooks.sln. Every notebook host starts in the notebook's folder (VS Code, Jupyter, and the headless runner, which
/// changes to it), so data/ and results/ resolve the same everywhere, whatever folder the user started from.
/// </summary>
public static class Repository
{
    public const string Marker = "Notebooks.sln";

    /// <summary>The repository root found from the working folder, or null outside a checkout.</summary>
    public static string? Root => Find(Environment.CurrentDirectory);

    public static string? Find(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, Marker))) return dir.FullName;
        return null;
    }

    /// <summary><paramref name="relative"/> under the repository root, or under the working folder outside a checkout.</summary>
    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root ?? Environment.CurrentDirectory, relative));
}
