using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.PowerShell.Attestor;

/// <summary>
/// Turns one <c>-Subject</c> / <c>--subject</c> value into the subject sent to the daemon, in this order:
/// <c>name@sha256:hex</c> or a bare <c>sha256:hex</c> digest (validated by <see cref="SubjectFactory"/>); else an
/// existing file, hashed here (the daemon never reads the caller's files); else a name-only subject such as the
/// runbooks' <c>test:verification</c>. A malformed digest is an error, never silently hashed as a name.
/// </summary>
public static class SubjectArgument
{
    /// <summary>What to give instead, for the error message of a value that is not a subject.</summary>
    public const string Forms = "Give name@sha256:<64 lowercase hex>, a bare sha256:<64 lowercase hex> digest, the path of a file to hash, or a name such as test:verification.";

    /// <param name="text">The value as typed.</param>
    /// <param name="resolvePath">
    /// The file system path the text names (PowerShell paths resolved against the current location), or null when it
    /// names no file system location (e.g. <c>test:verification</c>, whose drive does not exist).
    /// </param>
    /// <exception cref="FormatException">A malformed digest, an empty value, or a folder.</exception>
    public static AttestationSubject Resolve(string text, Func<string, string?> resolvePath)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parsed = SubjectFactory.Parse(text);
        // Parse falls back to a name-only subject (digest of the name); only then may the text be a file instead.
        if (IsNameOnly(parsed, text.Trim()))
        {
            var path = resolvePath(text.Trim());
            if (path is not null && Directory.Exists(path))
            {
                throw new FormatException($"Subject '{text}' is a folder. Attest the files in it instead, e.g. Get-ChildItem '{text}' -File | New-StellaAttestation -Type <type>.");
            }
            if (path is not null && File.Exists(path))
            {
                parsed = SubjectFactory.FromFile(path);
            }
        }
        return ToContract(parsed);
    }

    public static AttestationSubject ToContract(Subject subject) => new()
    {
        Name = subject.Name,
        Digest = new Dictionary<string, string>(subject.Digest),
    };

    /// <summary>The subject as the runbooks write it: <c>name@sha256:hex</c>, or just the digest when the name is it.</summary>
    public static string Describe(AttestationSubject subject)
    {
        var digest = subject.Digest.Select(kv => $"{kv.Key}:{kv.Value}").FirstOrDefault() ?? "";
        return subject.Name == digest || digest.Length == 0 ? subject.Name : $"{subject.Name}@{digest}";
    }

    private static bool IsNameOnly(Subject parsed, string trimmed)
        => parsed.Name == trimmed && parsed.Digest.Count == 1 && parsed.Equals(SubjectFactory.FromName(trimmed));
}
