using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;
using Notebooks.Host.Notebook;

namespace Notebooks.Host.Formatting;

/// <summary>
/// Exceptions and compile errors as Jupyter error outputs: ename the exception's type, evalue its C# message,
/// traceback the message line and the stack (frames of the scripting machinery left out), inner exceptions too.
/// </summary>
public static class ErrorFormatter
{
    public static ErrorOutput Format(Exception exception)
    {
        exception = Unwrap(exception);
        if (exception is CompilationErrorException compile)
        {
            var lines = compile.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Diagnostic).ToList();
            return new ErrorOutput("CompilationError", lines.FirstOrDefault() ?? compile.Message, lines);
        }
        var traceback = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            traceback.Add((traceback.Count == 0 ? "" : "---> ") + $"{e.GetType().FullName}: {e.Message}");
            traceback.AddRange((e.StackTrace ?? "").Split('\n').Select(l => l.TrimEnd())
                .Where(l => l.Length > 0 && !l.Contains("Microsoft.CodeAnalysis.Scripting") && !l.Contains("System.Runtime.CompilerServices")
                    && !l.Contains("--- End of stack trace") && !l.Contains("Notebooks.Host.Kernel.")));
        }
        return new ErrorOutput(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, traceback);
    }

    public static Exception Unwrap(Exception e) => e switch
    {
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions: [var single] } => Unwrap(single),
        _ => e,
    };

    /// <summary>"(line,column): error CS0103: message" with the position inside the cell (1-based).</summary>
    static string Diagnostic(Diagnostic d)
    {
        var position = d.Location.GetLineSpan().StartLinePosition;
        return $"({position.Line + 1},{position.Character + 1}): error {d.Id}: {d.GetMessage()}";
    }
}
