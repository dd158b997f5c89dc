using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// Base of the attestor cmdlets. It holds the one way to report an <see cref="AttestationResult"/> (New-StellaAttestation,
/// Invoke-StellaAttestationRetry), so that an attestation whose signing failed is always written (it exists, recorded
/// and retryable) together with an error that says how to get it signed; and the one way to read a file path.
/// </summary>
public abstract class StellaAttestationCmdlet : StellaCmdlet
{
    /// <summary>Writes the attestation of a result and, for a failed or already existing one, the error or warning.</summary>
    /// <param name="result">One item of a CreateAsync/RetryAsync answer.</param>
    /// <param name="what">What was asked, for messages when the result has no attestation (the subject, the id).</param>
    protected void WriteResult(AttestationResult result, string what)
    {
        var attestation = result.Attestation;
        if (attestation is not null) WriteObject(attestation);

        if (result.Error is { } error)
        {
            WriteError(ErrorMapping.ToErrorRecord(Explain(error, attestation), (object?)attestation ?? what));
            return;
        }
        if (result.Existing && attestation is not null)
        {
            WriteWarning($"{Subjects(attestation)} already has a '{attestation.Type}' attestation {attestation.Id} ({attestation.Status}); it was returned instead of a new one. Use -Force (stella attest create … --force) to create a new attestation anyway.");
        }
    }

    /// <summary>
    /// A failed signing keeps the attestation: the error must say so and how to sign it again, so the operator knows
    /// nothing is lost and what the next command is. The daemon's text usually does (it names the attestation); when
    /// it does not, it is completed here. Errors about signed attestations (a retry without -Resign) stay as they are.
    /// </summary>
    internal static OpsException Explain(OpsError error, AttestationInfo? attestation)
    {
        if (attestation is null || attestation.Status == AttestationStatus.Signed || error.Message.Contains(attestation.Id, StringComparison.Ordinal))
            return error.ToException();
        var message = $"Attestation {attestation.Id} ({attestation.Type} for {Subjects(attestation)}) is recorded but not signed: {error.Message}";
        var retry = $"Sign it again with: Invoke-StellaAttestationRetry -Id {attestation.Id} (or all failed ones: stella attest retry --failed --last 1h).";
        var action = string.IsNullOrWhiteSpace(error.RecommendedAction) ? retry : $"{error.RecommendedAction.TrimEnd()} {retry}";
        return new OpsException(error.Code, message, attestation.Id, action);
    }

    internal static string Subjects(AttestationInfo attestation) => attestation.Subjects.Count switch
    {
        0 => "(no subject)",
        1 => SubjectArgument.Describe(attestation.Subjects[0]),
        var n => $"{SubjectArgument.Describe(attestation.Subjects[0])} and {n - 1} more",
    };

    /// <summary>
    /// The file system path a PowerShell path names (relative to the current location, ~ expanded), or null when it
    /// names no file system location, as for <c>test:verification</c> (no drive "test").
    /// </summary>
    internal string? FileSystemPath(string text)
    {
        try
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(text, out var provider, out _);
            return provider.ImplementingType == typeof(FileSystemProvider) ? path : null;
        }
        catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or ItemNotFoundException or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            return null;
        }
    }
}
