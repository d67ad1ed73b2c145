using System.Net;
using System.Net.Http.Headers;

namespace DataPrep.Fetch;

/// <summary>
/// Streams one URL into a ".part" file. A ".part" left by an earlier, interrupted run is continued with an HTTP
/// Range request; a server that ignores Range (answers 200) is downloaded again from byte 0. A connection that
/// drops mid-file is resumed up to <see cref="FetchOptions.MaxAttempts"/> times. The caller decides, from the
/// returned digests, whether the ".part" becomes the archive.
/// </summary>
public sealed class ResumableDownloader(HttpClient http, FetchOptions options, IFetchReporter reporter)
{
    /// <summary>An HTTP client for data downloads: no automatic decompression (a .gz stays a .gz), bounded connect time.</summary>
    public static HttpClient CreateClient(TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = connectTimeout,
            AllowAutoRedirect = true,
        };
        var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("data-prep", "1.0"));
        return client;
    }

    /// <summary>Downloads <paramref name="url"/> into <paramref name="partPath"/> (continuing what is there) and returns the digests of the whole file.</summary>
    public Task<FileDigests> DownloadAsync(Uri url, string partPath, string label, CancellationToken cancel) =>
        reporter.TrackAsync(label, async progress =>
        {
            var delay = options.RetryDelay;
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return await AttemptAsync(url, partPath, progress, cancel);
                }
                catch (InterruptedDownloadException ex) when (attempt < options.MaxAttempts)
                {
                    reporter.Warn($"{ex.Message}; trying again (attempt {attempt + 1} of {options.MaxAttempts})");
                    await Task.Delay(delay, cancel);
                    delay *= 2;
                }
                catch (InterruptedDownloadException ex)
                {
                    bool resumable = File.Exists(partPath) && new FileInfo(partPath).Length > 0;
                    if (!resumable) File.Delete(partPath);
                    var kept = resumable ? $" The partial file {partPath} is kept; running the same command again resumes it." : "";
                    throw new FetchException($"{ex.Message}. Gave up after {attempt} attempt(s).{kept}", ex.InnerException);
                }
            }
        });

    async Task<FileDigests> AttemptAsync(Uri url, string partPath, IByteProgress progress, CancellationToken cancel)
    {
        long have = File.Exists(partPath) ? new FileInfo(partPath).Length : 0;
        using var response = await SendAsync(url, have, cancel);
        long start = StartOffset(url, partPath, have, response);

        if (response.Content.Headers.ContentType?.MediaType is "text/html")
            throw new FetchException($"{url.ForDisplay()} answered with an HTML page instead of the archive (a login or error page?). "
                + "If the source needs an account, see 'data-prep fetch --help' for --url, --header and DATA_PREP_COOKIE.");

        long? total = response.Content.Headers.ContentLength is { } length ? start + length : null;
        progress.Start(total, start);

        using var digests = new DigestAccumulator();
        await using var file = new FileStream(partPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None,
            1 << 16, FileOptions.Asynchronous);
        if (start == 0) file.SetLength(0);
        else await digests.AppendAsync(file, cancel);

        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var buffer = new byte[1 << 16];
        while (true)
        {
            idle.CancelAfter(options.Timeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer, idle.Token);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new InterruptedDownloadException(
                    $"No data from {url.ForDisplay()} for {options.Timeout.TotalSeconds:0.#} s after {Bytes.Format(digests.Length)} (timed out)");
            }
            catch (IOException ex)
            {
                throw new InterruptedDownloadException(
                    $"Connection to {url.ForDisplay()} lost after {Bytes.Format(digests.Length)}{Of(total)}: {ex.Message}", ex);
            }
            if (read == 0) break;
            await file.WriteAsync(buffer.AsMemory(0, read), cancel);
            digests.Append(buffer.AsSpan(0, read));
            progress.Report(digests.Length);
        }
        await file.FlushAsync(cancel);

        if (total is { } expected && digests.Length != expected)
            throw new InterruptedDownloadException(
                $"{url.ForDisplay()} ended after {digests.Length} of {expected} bytes");
        return digests.Finish();
    }

    async Task<HttpResponseMessage> SendAsync(Uri url, long have, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in options.Headers)
            if (!request.Headers.TryAddWithoutValidation(name, value))
                throw new FetchException($"Header '{name}' cannot be sent with a request.");
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);

        using var headerTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        headerTimeout.CancelAfter(options.Timeout);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headerTimeout.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new InterruptedDownloadException(
                $"No response from {url.ForDisplay()} within {options.Timeout.TotalSeconds:0.#} s (timed out)");
        }
        catch (HttpRequestException ex)
        {
            throw new InterruptedDownloadException($"Could not download {url.ForDisplay()}: {ex.Message}", ex);
        }
    }

    /// <summary>Where the body starts in the file: <paramref name="have"/> for a matching 206, 0 for a 200.</summary>
    long StartOffset(Uri url, string partPath, long have, HttpResponseMessage response)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when have > 0 && response.Content.Headers.ContentRange?.From == have:
                return have;
            case HttpStatusCode.PartialContent:
                File.Delete(partPath);
                throw new InterruptedDownloadException(
                    $"{url.ForDisplay()} answered the request for bytes {have}- with a different range "
                    + $"({response.Content.Headers.ContentRange}); starting over");
            case HttpStatusCode.OK:
                if (have > 0)
                    reporter.Warn($"{url.ForDisplay()} ignored the request to resume at byte {have}; downloading from the start");
                return 0;
            case HttpStatusCode.RequestedRangeNotSatisfiable when have > 0:
                File.Delete(partPath);
                throw new InterruptedDownloadException(
                    $"{url.ForDisplay()} has no bytes after {have} (the partial file is as long as the file); starting over");
            case var status when (int)status >= 500 || status == HttpStatusCode.RequestTimeout:
                throw new InterruptedDownloadException($"HTTP {(int)status} ({response.ReasonPhrase}) from {url.ForDisplay()}");
            case var status:
                var hint = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? " The server wants credentials; see 'data-prep fetch --help' for --header and DATA_PREP_COOKIE."
                    : "";
                throw new FetchException($"HTTP {(int)status} ({response.ReasonPhrase}) from {url.ForDisplay()}.{hint}");
        }
    }

    static string Of(long? total) => total is { } t ? $" of {Bytes.Format(t)}" : "";

    /// <summary>A download that stopped for a reason that may pass (dropped connection, timeout, 5xx).</summary>
    sealed class InterruptedDownloadException(string message, Exception? inner = null) : Exception(message, inner);
}
