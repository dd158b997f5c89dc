@{
    Synopsis    = 'Runs a runbook command line (stella <group> [<sub>] <verb> [args] [--flags]) through the StellaOps cmdlets; exported as the alias stella.'
    Description = @'
Every `stella ...` line of the StellaOps runbooks runs verbatim. The line is mapped to the cmdlet listed in the runbook table (for example `stella attest config set signing.mode software` calls `Set-StellaConfig -Name attest.signing.mode -Value software -PassThru`) and that cmdlet's objects, errors, warnings and progress are returned unchanged. `--flag value` and `--flag=value` both work; `--verbose`, `--what-if`, `--confirm` and `--endpoint <path>` become -Verbose, -WhatIf, -Confirm and -Endpoint. A bare `\` (a pasted shell line continuation) is ignored.

The cmdlet runs in the caller's scope, so the cmdlet it calls honours the caller's $ErrorActionPreference, $WarningPreference, $VerbosePreference, $InformationPreference, $ConfirmPreference, $WhatIfPreference and $PSDefaultParameterValues wherever they are set (a script, a function, a script block, a Pester It), and -ErrorAction, -WarningAction, -InformationAction, -Verbose and -Debug given to stella are passed on: `$ErrorActionPreference = 'Stop'` in a runbook script makes a failed stella line throw, exactly as the cmdlet would.

An unknown command or flag fails with a terminating error naming the closest valid one, or the command groups when nothing is close; runbook commands that a later release will serve fail with "not implemented yet in this release" (category NotImplemented).
'@
    Parameters  = @{
        Arguments = 'The words of the runbook line after stella.'
    }
    Examples    = @(
        @{ Code = 'stella attest config set signing.mode software'; Remarks = 'Switches signing to software keys (the daemon''s compliance warning is written as a warning).' }
        @{ Code = 'stella attest logs --level error --last 30m'; Remarks = 'Attestor log events of level Error or worse from the last 30 minutes, newest first.' }
        @{ Code = 'stella doctor --check check.daemon.storage | Where-Object Status -ne Pass'; Remarks = 'A doctor check as objects, for a compliance script.' }
        @{ Code = '$ErrorActionPreference = ''Stop''; try { stella keys verify $keyId --operation sign } catch { Write-Warning "key check failed: $_" }'; Remarks = 'In a runbook script: a failed line throws, as the cmdlet it calls would.' }
    )
}
