using System.Management.Automation;

namespace StellaOps.Ops.PowerShell.Operations;

/// <summary>
/// Invoke-StellaCompliance: runs the compliance pack shipped with the module (Operations/Compliance/*.Tests.ps1, one
/// Pester test per "Prevention" item of the runbooks) against a daemon and returns one result per test; with
/// -OutputFormat/-OutputPath also an NUnit or JUnit report for CI. Pester (5 or later) is not shipped with the module:
/// it is used when loaded, else imported from $env:PSModulePath, else the command stops with what to install.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "StellaCompliance")]
[OutputType(typeof(PSObject))]
public sealed class InvokeStellaComplianceCommand : PSCmdlet
{
    /// <summary>The PSTypeName of each result (Test, Result, Message, Runbook).</summary>
    public const string ResultTypeName = "StellaOps.ComplianceResult";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    [Parameter]
    [ValidateSet("NUnitXml", "NUnit3", "JUnitXml")]
    public string? OutputFormat { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Runs only the tests whose name matches (wildcards).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Test { get; set; }

    private const string Runner = """
        param($Tests, $Endpoint, $OutputFormat, $OutputPath, $Filter, $TypeName)
        $pester = Get-Module Pester | Where-Object { $_.Version.Major -ge 5 } | Select-Object -First 1
        if (-not $pester) {
            $available = Get-Module -ListAvailable Pester | Where-Object { $_.Version.Major -ge 5 } | Sort-Object Version -Descending | Select-Object -First 1
            if (-not $available) { return 'NoPester' }
            Import-Module $available -Global
        }
        $config = New-PesterConfiguration
        $config.Run.Container = New-PesterContainer -Path $Tests -Data @{ Endpoint = $Endpoint }
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'None'
        if ($Filter) { $config.Filter.FullName = @($Filter | ForEach-Object { "*$_*" }) }
        if ($OutputFormat) {
            $config.TestResult.Enabled = $true
            $config.TestResult.OutputFormat = $OutputFormat
            $config.TestResult.OutputPath = $OutputPath
        }
        $run = Invoke-Pester -Configuration $config
        # A test -Test left out is in the run as NotRun: only what ran is a result.
        foreach ($t in @($run.Tests | Where-Object Result -ne 'NotRun')) {
            $message = @($t.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join ' '
            [pscustomobject]@{
                PSTypeName = $TypeName
                Test       = $t.ExpandedName
                Result     = "$($t.Result)"
                Message    = $message -replace '^is skipped, because ', ''
                Runbook    = $t.Block.ExpandedName
            }
        }
        """;

    protected override void EndProcessing()
    {
        if (OutputFormat is null != OutputPath is null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-OutputFormat and -OutputPath go together: name the report's format and its file."),
                "ReportNeedsFormatAndPath", ErrorCategory.InvalidArgument, OutputPath ?? OutputFormat));
        }
        var tests = Path.Combine(Path.GetDirectoryName(typeof(InvokeStellaComplianceCommand).Assembly.Location)!, "Operations", "Compliance");
        var output = SessionState.InvokeCommand.InvokeScript(SessionState, ScriptBlock.Create(Runner), tests, Endpoint,
            OutputFormat, OutputPath is null ? null : GetUnresolvedProviderPathFromPSPath(OutputPath), Test, ResultTypeName);
        if (output.Count == 1 && output[0]?.BaseObject is "NoPester")
        {
            ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException(
                    "Invoke-StellaCompliance runs its tests with Pester 5 or later, which is not installed or loaded. Install it (Install-PSResource Pester) or import it (Import-Module <path>/Pester.psd1), then run Invoke-StellaCompliance again."),
                "PesterNotFound", ErrorCategory.ObjectNotFound, "Pester"));
        }
        foreach (var result in output) WriteObject(result);
    }
}
