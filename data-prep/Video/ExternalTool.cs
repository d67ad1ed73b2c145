using System.ComponentModel;
using System.Diagnostics;

namespace DataPrep.Video;

/// <summary>What an external program (ffmpeg, ffprobe, unar) printed and how it ended.</summary>
public sealed record ToolResult(int ExitCode, string StdOut, string StdErr, bool TimedOut)
{
    /// <summary>True when the program ran to the end and exited with 0.</summary>
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>The last non-empty line of standard error (or "exit code N"), for one-line failure reports.</summary>
    public string Reason
    {
        get
        {
            if (TimedOut) return "timed out";
            var last = StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            return last is null ? $"exit code {ExitCode}" : $"exit code {ExitCode}: {last}";
        }
    }
}

/// <summary>
/// Runs the command-line tools data-prep relies on (Debian's ffmpeg, ffprobe and unar) with an argument list
/// (no shell quoting), a time limit that kills a hung process, and an apt hint when the tool is missing.
/// </summary>
public static class ExternalTool
{
    /// <summary>Runs <paramref name="program"/>; <paramref name="stdin"/>, when given, writes the process's input.</summary>
    public static async Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout,
        Func<Stream, CancellationToken, Task>? stdin = null, CancellationToken cancel = default)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        try { process.Start(); }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"cannot run '{program}' ({e.Message}); install it with: apt-get install -y {AptPackage(program)}", e);
        }
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            if (stdin is not null)
            {
                try
                {
                    await using var input = process.StandardInput.BaseStream;
                    await stdin(input, limit.Token);
                }
                catch (IOException) { /* the tool stopped reading (e.g. it failed); its exit code and stderr tell why */ }
            }
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancel.ThrowIfCancellationRequested();
            timedOut = true;
        }
        return new ToolResult(timedOut ? -1 : process.ExitCode, await stdout, await stderr, timedOut);
    }

    static string AptPackage(string program) => program switch
    {
        "ffmpeg" or "ffprobe" => "ffmpeg",
        "unar" or "lsar" => "unar",
        _ => program,
    };
}
