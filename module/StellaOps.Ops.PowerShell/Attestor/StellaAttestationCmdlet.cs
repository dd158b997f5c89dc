using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// Base of the attestor cmdlets. It holds the one way to show an <see cref="AttestationResult"/> (New-StellaAttestation,
/// Invoke-StellaAttestationRetry), so that an attestation whose signing failed is always written (it exists, recorded
/// and retryable) together with the daemon's error, which says how to get it signed; and the one way to read a file path.
/// </summary>
public abstract class StellaAttestationCmdlet : StellaCmdlet
{
    /// <summary>Writes the attestation of a result and, for a failed or already existing one, the error or warning.</summary>
    /// <param name="result">One item of a RetryAsync answer.</param>
    /// <param name="what">What was asked, for messages when the result has no attestation (the id).</param>
    protected void WriteResult(AttestationResult result, string what)
    {
        var attestation = Render(result, what);
        if (attestation is not null) WriteObject(attestation);
        // The daemon's error says it all: for an unsigned attestation its id and how to sign it again.
        if (result.Error is { } error) WriteError(ErrorMapping.ToErrorRecord(error.ToException(), (object?)attestation ?? what));
    }

    /// <summary>
    /// What a result shows: its attestation, also when its signing failed (it exists, recorded and retryable), with a
    /// warning for one that existed already and was returned instead of a new one. Its error is the caller's to write.
    /// </summary>
    protected AttestationInfo? Render(AttestationResult result, object what)
    {
        if (result is { Error: null, Existing: true, Attestation: { } attestation })
        {
            WriteWarning($"{Subjects(attestation)} already has a '{attestation.Type}' attestation {attestation.Id} ({attestation.Status}); it was returned instead of a new one. Use -Force (stella attest create … --force) to create a new attestation anyway.");
        }
        return result.Attestation;
    }

    /// <summary>
    /// The attestations a query selects, newest first, one attestation.ListPage call per page (each bounded by items
    /// and bytes, so any number fits under the daemon's answer limit), read as the caller enumerates. At most
    /// <paramref name="total"/> of them; null for all. A failed call ends the enumeration with its exception.
    /// </summary>
    internal IEnumerable<AttestationInfo> ListPages(AttestationQuery query, int? total)
    {
        var left = total ?? int.MaxValue;
        var page = query with { Limit = Math.Min(left, AttestationPage.MaxItems), Cursor = null };
        while (left > 0)
        {
            var request = page;
            var answer = Invoke((c, _, ct) => c.Attest.ListPageAsync(request, ct));
            foreach (var item in answer.Items.Take(left)) yield return item;
            left -= answer.Items.Count;
            if (answer.Next is null || answer.Items.Count == 0) yield break;
            page = page with { Limit = Math.Min(left, AttestationPage.MaxItems), Cursor = answer.Next };
        }
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
