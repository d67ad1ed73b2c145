using System.Net;
using System.Net.Sockets;

namespace DataPrep.Tests.Video;

/// <summary>Serves the files of one folder over HTTP on 127.0.0.1 (a stand-in for the data sets' web servers)
/// and counts the requests.</summary>
sealed class LocalFileServer : IDisposable
{
    readonly HttpListener listener = new();
    readonly string folder;
    readonly Task loop;
    int requests;

    public LocalFileServer(string folder)
    {
        this.folder = folder;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(BaseUrl.AbsoluteUri);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }
    public int Requests => Volatile.Read(ref requests);

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref requests);
            var file = Path.Combine(folder, Path.GetFileName(Uri.UnescapeDataString(context.Request.Url!.AbsolutePath)));
            if (File.Exists(file))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
            }
            else context.Response.StatusCode = 404;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
