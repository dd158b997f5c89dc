using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>
/// The console log (a terminal, or the journal under systemd) with every message and exception text passed through
/// <see cref="TerminalText.Escape"/>: a key name, subject or setting value that carries ESC, BEL or CR cannot retitle,
/// clear or rewrite the operator's terminal through the daemon's log. The console formatters (simple, systemd) stay
/// the framework's; only what they print is escaped.
/// </summary>
[ProviderAlias("Console")]
public sealed class TerminalSafeConsoleLoggerProvider(ConsoleLoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => inner.SetScopeProvider(scopeProvider);

    public void Dispose() => inner.Dispose();

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception is null ? null : new EscapedException(exception),
                (s, _) => TerminalText.Escape(formatter(s, exception), keepNewlines: true)!);
    }

    /// <summary>What the console formatter prints for an exception (its ToString), escaped; never thrown.</summary>
    private sealed class EscapedException(Exception original) : Exception(TerminalText.Escape(original.Message))
    {
        public override string ToString() => TerminalText.Escape(original.ToString(), keepNewlines: true)!;
    }
}
