using System.Management.Automation;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using LogLevel = StellaOps.Ops.Contracts.Rpc.LogLevel;

namespace StellaOps.Ops.PowerShell.Log;

/// <summary>Get-StellaLog: the daemon's event log, newest first (stella attest logs, stella crypto hsm logs).</summary>
[Cmdlet(VerbsCommon.Get, "StellaLog", DefaultParameterSetName = "Last")]
[OutputType(typeof(LogEvent))]
public sealed class GetStellaLogCommand : StellaCmdlet
{
    internal static readonly string[] Components = ["Attestor", "Hsm", "Audit", "Daemon", "Ipc", "Storage", "Config", "Doctor", "Trust", "Transparency", "Keys", "Signing", "Verification"];

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ComponentCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Component { get; set; }

    /// <summary>The least level returned: Error returns Error and Critical.</summary>
    [Parameter]
    public LogLevel? Level { get; set; }

    [Parameter(ParameterSetName = "Last")]
    [DurationTransformation]
    public Duration? Last { get; set; }

    [Parameter(ParameterSetName = "Since", Mandatory = true)]
    public DateTime Since { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    [Parameter]
    [Alias("Max")]
    [ValidateRange(1, 100000)]
    public int First { get; set; } = 1000;

    protected override void ProcessRecord()
    {
        DateTimeOffset? since = ParameterSetName == "Since" ? new DateTimeOffset(Since.ToUniversalTime(), TimeSpan.Zero)
            : Last is { } last ? DateTimeOffset.UtcNow - last.Value : null;
        var query = new LogQuery { Component = Component, MinLevel = Level, Since = since, Filter = Filter, Max = First };
        var events = InvokeForItem((c, _, ct) => c.Log.QueryAsync(query, ct), Component);
        if (events is not null) WriteObject(events, enumerateCollection: true);
    }

    private sealed class ComponentCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            global::System.Management.Automation.Language.CommandAst commandAst, global::System.Collections.IDictionary fakeBoundParameters)
            => Components.Where(c => c.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
                .Select(c => new CompletionResult(c, c, CompletionResultType.ParameterValue, c));
    }
}
