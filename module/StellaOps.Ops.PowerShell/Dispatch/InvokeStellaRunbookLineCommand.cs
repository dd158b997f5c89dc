using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Dispatch;

/// <summary>
/// Invoke-StellaRunbookLine, exported as <c>stella</c>: parses a runbook line (<see cref="RunbookCommandLine"/>) and
/// runs the cmdlet it names with the parameters it maps to.
/// </summary>
/// <remarks>
/// A compiled cmdlet, not a module function, on purpose: a module function runs in the module's scope and never
/// sees the caller's $ErrorActionPreference (or warning, verbose, confirm, what-if preferences and
/// $PSDefaultParameterValues) when they are set in a script, a function or a Pester It. A cmdlet runs in its
/// caller's scope, and so does the steppable pipeline it starts, so the target cmdlet sees exactly what it would
/// see if the caller had typed it. The steppable pipeline is linked to this cmdlet's output and error pipes, so
/// objects stream unchanged, -ErrorVariable/-OutVariable collect, and $? is false after an error, as for the cmdlet.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "StellaRunbookLine")]
[Alias("stella")]
[OutputType(typeof(object))]
public sealed class InvokeStellaRunbookLineCommand : PSCmdlet, IDisposable
{
    /// <summary>
    /// Common parameters given to <c>stella</c> itself (<c>stella doctor -ErrorAction Stop</c>) that decide how the
    /// target cmdlet behaves; they are passed on unless the line set them (<c>--verbose</c>). -WhatIf and -Confirm
    /// are not common parameters of <c>stella</c> (it changes nothing itself): they reach the grammar as the flags
    /// <c>--what-if</c>/<c>--confirm</c>. The *Variable parameters need no passing on: they collect what reaches
    /// this cmdlet's pipes, which the target cmdlet writes to.
    /// </summary>
    private static readonly string[] PassedOnCommonParameters = ["Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction"];

    // Runs in a new scope under the caller's: the target cmdlet's preference lookups walk up to the caller.
    private const string RunTarget = "param($command, $parameters) & $command @parameters";

    private SteppablePipeline? _pipeline;

    /// <summary>The words of the runbook line after <c>stella</c>.</summary>
    [Parameter(ValueFromRemainingArguments = true)]
    public object?[]? Arguments { get; set; }

    protected override void BeginProcessing()
    {
        var resolved = RunbookCommandLine.Resolve(Arguments, MyInvocation);
        if (resolved.Error is not null) ThrowTerminatingError(resolved.Error);
        if (resolved.Help is not null)
        {
            WriteObject(resolved.Help);
            return;
        }
        var parameters = resolved.Parameters;
        foreach (var name in PassedOnCommonParameters)
        {
            if (MyInvocation.BoundParameters.TryGetValue(name, out var value) && !parameters.ContainsKey(name)) parameters[name] = value;
        }
        _pipeline = ScriptBlock.Create(RunTarget).GetSteppablePipeline(CommandOrigin.Internal, [TargetCommand(resolved.CommandName!), parameters]);
        _pipeline.Begin(this);
    }

    protected override void ProcessRecord() => _pipeline?.Process();

    protected override void EndProcessing() => _pipeline?.End();

    public void Dispose() => _pipeline?.Dispose();

    /// <summary>
    /// This module's own cmdlet of that name, so that a function or alias of the same name in the caller's session
    /// cannot stand in for it; by name when the cmdlets are not loaded as a module (an in-process runspace).
    /// </summary>
    private CommandInfo TargetCommand(string name)
        => MyInvocation.MyCommand.Module?.ExportedCmdlets.GetValueOrDefault(name)
           ?? (CommandInfo?)InvokeCommand.GetCmdlet(name)
           ?? throw new InvalidOperationException($"The runbook grammar names '{name}', which this module does not have.");
}
