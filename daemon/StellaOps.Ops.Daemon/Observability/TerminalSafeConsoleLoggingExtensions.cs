using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace StellaOps.Ops.Daemon.Observability;

public static class TerminalSafeConsoleLoggingExtensions
{
    /// <summary>The simple console logger, single line, with messages escaped for the terminal.</summary>
    public static ILoggingBuilder AddTerminalSafeConsole(this ILoggingBuilder builder, Action<SimpleConsoleFormatterOptions> configure)
    {
        builder.AddSimpleConsole(configure);
        // Swap the framework's provider for the escaping wrapper around one it does not register itself.
        var registered = builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList();
        foreach (var d in registered) builder.Services.Remove(d);
        builder.Services.AddSingleton<ILoggerProvider>(sp => new TerminalSafeConsoleLoggerProvider(
            new ConsoleLoggerProvider(sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), sp.GetServices<ConsoleFormatter>())));
        return builder;
    }
}
