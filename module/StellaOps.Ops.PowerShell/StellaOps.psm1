# The `stella` runbook dispatcher. A thin shim: the grammar and the parser live in C#
# (StellaOps.Ops.PowerShell.Dispatch.RunbookCommandLine, unit-tested); this only calls the cmdlet it names,
# so the cmdlet's objects, errors, warnings and progress reach the caller unchanged.

function stella {
    <#
    .SYNOPSIS
    Runs a runbook command line (`stella <group> [<sub>] <verb> [args] [--flags]`) through the StellaOps cmdlets.

    .DESCRIPTION
    Every `stella ...` line of the StellaOps runbooks runs verbatim. The line is mapped to the cmdlet listed in
    the runbook table (for example `stella attest config set signing.mode software` calls
    `Set-StellaConfig -Name attest.signing.mode -Value software -PassThru`) and that cmdlet's objects are returned
    unchanged. `--flag value` and `--flag=value` both work; `--verbose`, `--what-if`, `--confirm` and
    `--endpoint <path>` become -Verbose, -WhatIf, -Confirm and -Endpoint. A bare `\` (a pasted shell line
    continuation) is ignored. An unknown command or flag fails and names the closest valid one; runbook commands
    that a later release will serve fail with "not implemented yet in this release".

    .PARAMETER Arguments
    The words of the runbook line after `stella`.

    .EXAMPLE
    stella attest config set signing.mode software

    Switches signing to software keys (the daemon's compliance warning is written as a warning).

    .EXAMPLE
    stella attest logs --level error --last 30m

    Attestor log events of level Error or worse from the last 30 minutes, newest first.

    .EXAMPLE
    stella doctor --check check.daemon.storage | Where-Object Status -ne Pass
    #>
    [CmdletBinding(PositionalBinding = $false)]
    param(
        [Parameter(ValueFromRemainingArguments = $true)]
        [object[]] $Arguments
    )
    $resolved = [StellaOps.Ops.PowerShell.Dispatch.RunbookCommandLine]::Resolve($Arguments, $MyInvocation)
    if ($null -ne $resolved.Error) { $PSCmdlet.ThrowTerminatingError($resolved.Error) }
    $splat = $resolved.Parameters
    foreach ($common in 'Verbose', 'Debug') {
        if ($PSBoundParameters.ContainsKey($common) -and -not $splat.ContainsKey($common)) { $splat[$common] = $PSBoundParameters[$common] }
    }
    $command = $resolved.CommandName
    & $command @splat
}

Export-ModuleMember -Function stella
