using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DataPrep.Tests.Fetch;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (random free port) for download tests: serves byte arrays by path,
/// honours "Range: bytes=N-" unless told not to, can cut the first response short or stall, answers 404
/// for unknown paths, and records every request. One request per connection; disposing stops everything.
/// </summary>
sealed class LoopbackHttpServer : IAsyncDisposable
{
    /// <summary>What to serve at a path and how to misbehave.</summary>
    public sealed record Resource(byte[] Body)
    {
        public bool IgnoreRange { get; init; }
        /// <summary>On the first response only: send this many body bytes, then close the connection.</summary>
        public int? CutFirstResponseAfter { get; init; }
        /// <summary>Send the headers, then nothing until the server stops.</summary>
        public bool Stall { get; init; }
        public string ContentType { get; init; } = "application/octet-stream";
    }

    /// <summary>A request as received: its path (without query) and its headers (names case-insensitive).</summary>
    public sealed record Request(string Path, IReadOnlyDictionary<string, string> Headers)
    {
        /// <summary>The Range header, or null when the request had none.</summary>
        public string? Range => Headers.GetValueOrDefault("Range");
    }

    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly ConcurrentDictionary<string, Resource> resources = new();
    readonly ConcurrentDictionary<string, int> responses = new();
    readonly ConcurrentQueue<Request> requests = new();
    readonly ConcurrentBag<Task> handlers = [];
    readonly Task acceptLoop;
    int connections;

    public LoopbackHttpServer()
    {
        listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        acceptLoop = AcceptLoopAsync();
    }

    public Uri BaseUrl { get; }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<Request> Requests => [.. requests];

    /// <summary>Connections accepted so far, including any whose client gave up before its request was read.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>
    /// Waits (up to <paramref name="limit"/>) until <paramref name="count"/> connections were accepted and handled: a
    /// client that timed out may close before the server's handler has run on a busy machine.
    /// </summary>
    public async Task<int> HandledConnectionsAsync(int count, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Connections < count && clock.Elapsed < limit) await Task.Delay(20);
        return Connections;
    }

    /// <summary>Serves <paramref name="resource"/> at <paramref name="path"/> ("/folder/file").</summary>
    public void Serve(string path, Resource resource) => resources[path] = resource;

    /// <summary>A server that answers "/name" with the bytes of each file directly in <paramref name="folder"/>
    /// (a stand-in for a data set's web server).</summary>
    public static LoopbackHttpServer ForFolder(string folder)
    {
        var server = new LoopbackHttpServer();
        foreach (var file in Directory.GetFiles(folder))
            server.Serve("/" + Path.GetFileName(file), new Resource(File.ReadAllBytes(file)));
        return server;
    }

    /// <summary>The folder URL that <see cref="Serve"/> paths under <paramref name="folder"/> share.</summary>
    public Uri Folder(string folder) => new(BaseUrl, folder.Trim('/') + "/");

    async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref connections);
            handlers.Add(HandleAsync(client));
        }
    }

    async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var lines = head.Split("\r\n");
                var path = Uri.UnescapeDataString(lines[0].Split(' ')[1].Split('?')[0]);
                var headers = lines.Skip(1).Where(l => l.Contains(':'))
                    .Select(l => (Name: l[..l.IndexOf(':')].Trim(), Value: l[(l.IndexOf(':') + 1)..].Trim()))
                    .DistinctBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
                var request = new Request(path, headers);
                requests.Enqueue(request);
                await RespondAsync(stream, path, request.Range);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
                // the client went away; nothing to answer
            }
        }
    }

    async Task RespondAsync(NetworkStream stream, string path, string? range)
    {
        if (!resources.TryGetValue(path, out var resource))
        {
            await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
            return;
        }
        int responseNumber = responses.AddOrUpdate(path, 1, (_, n) => n + 1);
        var body = resource.Body;
        int start = 0;
        var status = "200 OK";
        var extra = "";
        if (range is not null && !resource.IgnoreRange)
        {
            start = int.Parse(range["bytes=".Length..].TrimEnd('-'));
            if (start >= body.Length)
            {
                await WriteAsync(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{body.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
            status = "206 Partial Content";
            extra = $"Content-Range: bytes {start}-{body.Length - 1}/{body.Length}\r\n";
        }
        await WriteAsync(stream, $"HTTP/1.1 {status}\r\nContent-Type: {resource.ContentType}\r\nContent-Length: {body.Length - start}\r\n"
            + $"Accept-Ranges: bytes\r\n{extra}Connection: close\r\n\r\n");
        if (resource.Stall)
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
            return;
        }
        int count = body.Length - start;
        if (responseNumber == 1 && resource.CutFirstResponseAfter is { } cut) count = Math.Min(cut, count);
        await stream.WriteAsync(body.AsMemory(start, count), stop.Token);
        await stream.FlushAsync(stop.Token);
    }

    async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[1024];
        while (received.Count < 16 * 1024)
        {
            int read = await stream.ReadAsync(buffer, stop.Token);
            if (read == 0) throw new IOException("connection closed before the request ended");
            received.AddRange(buffer.AsSpan(0, read));
            var text = Encoding.ASCII.GetString([.. received]);
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0) return text[..end];
        }
        throw new IOException("request head too long");
    }

    Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), stop.Token).AsTask();

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        await acceptLoop;
        await Task.WhenAll(handlers);
        stop.Dispose();
    }
}
