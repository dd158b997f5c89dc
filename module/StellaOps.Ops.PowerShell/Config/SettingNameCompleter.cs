using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StellaOps.Ops.PowerShell.Config;

/// <summary>Tab completion of setting names. Offline: the names the runbooks use, so completion never blocks on the daemon.</summary>
public sealed class SettingNameCompleter : IArgumentCompleter
{
    internal static readonly string[] KnownNames =
    [
        "attest.signing.key_id", "attest.signing.mode",
        "hsm.session.timeout", "hsm.session.keepalive", "hsm.session.keepalive_interval", "hsm.pkcs11.library_path",
        "keys.rotation.auto", "keys.rotation.before_expiry", "keys.rotation.overlap_days",
        "keys.alerts.expiring_days", "keys.alerts.expiring_days_critical",
        "ipc.request_timeout", "ipc.max_connections", "log.retention",
    ];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (var n in KnownNames)
        {
            if (pattern.IsMatch(n)) yield return new CompletionResult(n, n, CompletionResultType.ParameterValue, n);
        }
    }
}
