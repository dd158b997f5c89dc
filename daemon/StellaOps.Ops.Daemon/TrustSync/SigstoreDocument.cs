using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Parses a Sigstore trust document (trusted root or signing config) for the daemon, turning the parser's
/// <see cref="FormatException"/> (which names the field) into one <see cref="OpsErrorCode.TrustMaterialInvalid"/>
/// refusal. The file source and the TUF sync differ only in how they name the document and what they advise.
/// </summary>
internal static class SigstoreDocument
{
    public delegate T Parser<out T>(ReadOnlySpan<byte> utf8Json);

    /// <param name="refusal">The message up to the parser's reason ("The Sigstore trusted root /etc/… is not valid").</param>
    public static T Parse<T>(byte[] bytes, Parser<T> parse, string refusal, string target, string advice)
    {
        try
        {
            return parse(bytes);
        }
        catch (FormatException e)
        {
            throw new OpsException(OpsErrorCode.TrustMaterialInvalid, $"{refusal}: {e.Message}", target, advice);
        }
    }
}
