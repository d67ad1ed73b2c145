using System.CommandLine;
using DataPrep.Fetch;

namespace DataPrep;

/// <summary><c>data-prep fetch</c>: download, check and extract data sets into the data root.</summary>
static class FetchCommand
{
    public const string CookieVariable = "DATA_PREP_COOKIE";
    public const string AuthorizationVariable = "DATA_PREP_AUTHORIZATION";

    public static Command Create()
    {
        var datasets = new Argument<string[]>("datasets")
        {
            Description = $"Data sets to fetch: {string.Join(", ", DatasetCatalog.Official.All.Select(s => s.Name))}.",
            Arity = ArgumentArity.OneOrMore,
        };
        var root = RootOption();
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = "Folder URL that replaces the official one for every archive of the named sets (a mirror); "
                + "each archive's file name is appended to it.",
        };
        var urls = new Option<string[]>("--url")
        {
            Description = "Full download URL of one archive (repeatable); the last path segment must be the archive's "
                + "file name, e.g. .../Imagenet64_val_npz.zip?token=... A --url wins over --base-url for its archive.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var headers = new Option<string[]>("--header")
        {
            Description = $"Extra request header 'Name: value' (repeatable), e.g. --header \"Cookie: sessionid=...\". "
                + $"Prefer the {CookieVariable} variable for secrets: arguments show up in the process list.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var force = new Option<bool>("--force") { Description = "Download and extract again, replacing a complete set." };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for a connection, for response headers, and between two pieces of data.",
            DefaultValueFactory = _ => 60,
        };

        var command = new Command("fetch", Help()) { datasets, root, baseUrl, urls, headers, force, timeout };
        command.SetAction(async (parse, cancel) =>
        {
            var error = parse.InvocationConfiguration.Error;
            FetchOptions options;
            try
            {
                options = new FetchOptions
                {
                    Root = parse.GetValue(root)!,
                    BaseUrl = parse.GetValue(baseUrl) is { } b ? ParseUrl(b, "--base-url") : null,
                    Urls = [.. (parse.GetValue(urls) ?? []).Select(u => ParseUrl(u, "--url"))],
                    Headers = [.. (parse.GetValue(headers) ?? []).Select(ParseHeader), .. EnvironmentHeaders()],
                    Force = parse.GetValue(force),
                    Timeout = parse.GetValue(timeout) is > 0 and var seconds
                        ? TimeSpan.FromSeconds(seconds)
                        : throw new FetchException("--timeout must be a positive number of seconds."),
                };
            }
            catch (FetchException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}");
                return 2;
            }
            var reporter = FetchReporters.ForConsole(parse.InvocationConfiguration.Output);
            return await RunAsync(DatasetCatalog.Official, parse.GetValue(datasets) ?? [], options, reporter, error, cancel);
        });
        return command;
    }

    /// <summary>Fetches <paramref name="names"/> from <paramref name="catalog"/>; 0 when all succeeded, 1 otherwise.</summary>
    public static async Task<int> RunAsync(DatasetCatalog catalog, IReadOnlyList<string> names, FetchOptions options,
        IFetchReporter reporter, TextWriter error, CancellationToken cancel = default)
    {
        List<DatasetSource> sources;
        try
        {
            sources = [.. names.Select(catalog.Get).DistinctBy(s => s.Name)];
            CheckUrlsNameArchives(sources, options.Urls);
        }
        catch (FetchException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }

        using var http = ResumableDownloader.CreateClient(options.Timeout);
        var fetcher = new DatasetFetcher(options, http, reporter);
        int failed = 0;
        foreach (var source in sources)
        {
            try
            {
                await fetcher.FetchAsync(source, cancel);
            }
            catch (Exception ex) when (ex is FetchException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: {source.Name}: {ex.Message}");
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>The --root option shared by fetch and verify.</summary>
    public static Option<string> RootOption() => new("--root")
    {
        Description = "The data root: sets go to ROOT/NAME, archives to ROOT/downloads/NAME.",
        DefaultValueFactory = _ => "data",
    };

    static void CheckUrlsNameArchives(IReadOnlyList<DatasetSource> sources, IReadOnlyList<Uri> urls)
    {
        var fileNames = sources.SelectMany(s => s.Archives).Select(a => a.FileName).ToHashSet();
        foreach (var url in urls)
        {
            var name = Uri.UnescapeDataString(url.AbsolutePath.Split('/')[^1]);
            if (!fileNames.Contains(name))
                throw new FetchException($"--url {url.GetLeftPart(UriPartial.Path)}: '{name}' is not an archive of "
                    + $"{string.Join(", ", sources.Select(s => s.Name))}; expected one of: {string.Join(", ", fileNames)}.");
        }
    }

    static Uri ParseUrl(string text, string option) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new FetchException($"{option} '{text}' is not an absolute http or https URL.");

    static KeyValuePair<string, string> ParseHeader(string text)
    {
        int colon = text.IndexOf(':');
        if (colon <= 0) throw new FetchException($"--header '{text}' is not of the form 'Name: value'.");
        return new(text[..colon].Trim(), text[(colon + 1)..].Trim());
    }

    static IEnumerable<KeyValuePair<string, string>> EnvironmentHeaders()
    {
        if (Environment.GetEnvironmentVariable(CookieVariable) is { Length: > 0 } cookie) yield return new("Cookie", cookie);
        if (Environment.GetEnvironmentVariable(AuthorizationVariable) is { Length: > 0 } auth) yield return new("Authorization", auth);
    }

    static string Help() => string.Join(Environment.NewLine,
    [
        "Download data sets, check them against the checksums their authors publish, and extract them into ROOT/NAME in the official folder layout.",
        "",
        "Data sets:",
        .. DatasetCatalog.Official.All.Select(s => $"  {s.Name,-14} {s.Title}"),
        "",
        "Archives are kept in ROOT/downloads/NAME. An interrupted download continues where it stopped (HTTP Range) on the next run;",
        "a server that ignores Range is downloaded again from the start. An archive is accepted only when its checksum matches;",
        "a mismatch deletes the download. A set appears in ROOT/NAME only when it is complete, with ROOT/NAME/fetch-manifest.json",
        "recording the SHA-256 of every file. Re-running fetch on a complete set downloads nothing (it checks the manifest and",
        "file sizes); 'data-prep verify' re-hashes everything.",
        "",
        "imagenet64 needs an image-net.org account. image-net.org publishes no checksums for its archives, so fetch checks their",
        "structure instead (the expected .npz files, each holding 'data' and 'labels' arrays) and records the SHA-256 of every",
        "archive and file on first fetch; later 'verify' runs check against those. To download, sign in at",
        "https://image-net.org/download-images.php and then either",
        $"  export {CookieVariable}='sessionid=...'       (the Cookie header your signed-in browser sends to image-net.org)",
        "  data-prep fetch imagenet64",
        "or pass the download links the site gives you, one per archive:",
        "  data-prep fetch imagenet64 --url URL --url URL --url URL",
        "  (Imagenet64_train_part1_npz.zip, Imagenet64_train_part2_npz.zip, Imagenet64_val_npz.zip),",
        "or --base-url for a mirror that holds all three.",
        $"{AuthorizationVariable} sets an Authorization header (e.g. 'Bearer TOKEN' for a private mirror). Headers from --header",
        $"and the variables go with every request of the run, so fetch account-bound sets in a run of their own.",
    ]);
}
