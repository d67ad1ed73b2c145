namespace DataPrep.Fetch;

/// <summary>
/// Maps archive entry names and link targets onto paths inside one target folder, refusing every name that
/// could reach outside it: absolute paths, drive letters, any ".." segment in an entry name, and link targets
/// that climb above the folder.
/// </summary>
public sealed class EntryPaths
{
    readonly string targetFull;
    readonly string archive;

    /// <summary>Paths under <paramref name="targetFolder"/> for entries of <paramref name="archive"/> (named in errors).</summary>
    public EntryPaths(string targetFolder, string archive)
    {
        targetFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetFolder));
        this.archive = archive;
    }

    /// <summary>
    /// The '/'-joined relative path of entry <paramref name="name"/>, or "" for the folder itself ("./").
    /// Throws <see cref="UnsafeArchiveException"/> for a name that is absolute or contains "..".
    /// </summary>
    public string Relative(string name)
    {
        if (name.Contains('\0')) throw Refuse(name, "contains a NUL character");
        if (IsAbsolute(name)) throw Refuse(name, "is an absolute path (it would be written outside the data set folder)");
        var segments = Segments(name);
        if (segments.Contains("..")) throw Refuse(name, "climbs out with '..' (it would be written outside the data set folder)");
        return string.Join('/', segments.Where(s => s is not ("" or ".")));
    }

    /// <summary>
    /// The relative path a link at <paramref name="linkRelative"/> points to. A symbolic link's target is
    /// relative to the link's folder; a hard link's target is relative to the archive root. Throws when the
    /// target is absolute or climbs above the target folder.
    /// </summary>
    public string LinkTarget(string entryName, string linkRelative, string target, bool symbolic)
    {
        string kind = symbolic ? "symbolic" : "hard";
        if (target.Length == 0 || target.Contains('\0')) throw Refuse(entryName, $"is a {kind} link with an empty or invalid target");
        if (IsAbsolute(target))
            throw Refuse(entryName, $"is a {kind} link to the absolute path '{target}', outside the data set folder");
        var resolved = new List<string>();
        if (symbolic) resolved.AddRange(linkRelative.Split('/')[..^1]);
        foreach (var segment in Segments(target))
        {
            if (segment is "" or ".") continue;
            if (segment != "..") resolved.Add(segment);
            else if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
            else throw Refuse(entryName, $"is a {kind} link to '{target}', outside the data set folder");
        }
        if (resolved.Count == 0) throw Refuse(entryName, $"is a {kind} link to the data set folder itself");
        return string.Join('/', resolved);
    }

    /// <summary>The full path of <paramref name="relative"/>, checked once more to lie inside the target folder.</summary>
    public string Full(string entryName, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(targetFull, relative.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(targetFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw Refuse(entryName, "would be written outside the data set folder");
        return full;
    }

    /// <summary>The error for <paramref name="entryName"/>.</summary>
    public UnsafeArchiveException Refuse(string entryName, string reason) => new(archive, entryName, reason);

    static string[] Segments(string name) => name.Split('/', '\\');

    static bool IsAbsolute(string name) =>
        name.StartsWith('/') || name.StartsWith('\\') || Path.IsPathRooted(name)
        || (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0]));
}
