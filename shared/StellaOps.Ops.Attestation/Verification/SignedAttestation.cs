using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.Sigstore;

namespace StellaOps.Ops.Attestation.Verification;

/// <summary>
/// What a verifier is given: a DSSE envelope, alone or inside a Sigstore bundle with its verification material
/// (a key hint, or the signing certificate and chain, and RFC 3161 timestamps), and, for an attestation this daemon
/// signed, its own record of when. <see cref="Read"/> tells the two file kinds apart and never throws.
/// </summary>
public sealed class SignedAttestation
{
    public const string DsseFormat = "dsse";

    public SignedAttestation(DsseEnvelope envelope, string format = DsseFormat, string? keyHint = null,
        IReadOnlyList<byte[]>? certificates = null, IReadOnlyList<byte[]>? timestamps = null, int logEntries = 0)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        Envelope = envelope;
        Format = format;
        KeyHint = string.IsNullOrEmpty(keyHint) ? null : keyHint;
        Certificates = certificates ?? [];
        Timestamps = timestamps ?? [];
        LogEntries = logEntries;
    }

    private SignedAttestation(string format, string error)
    {
        Format = format;
        Error = error;
        Certificates = [];
        Timestamps = [];
    }

    /// <summary>Null when the input did not parse (<see cref="Error"/> says why).</summary>
    public DsseEnvelope? Envelope { get; }

    /// <summary><see cref="DsseFormat"/>, or the Sigstore bundle's media type.</summary>
    public string Format { get; }

    public string? KeyHint { get; }

    /// <summary>The signing certificate and the chain the bundle carries, DER, leaf first; empty for key material.</summary>
    public IReadOnlyList<byte[]> Certificates { get; }

    /// <summary>DER RFC 3161 timestamp tokens over the signature.</summary>
    public IReadOnlyList<byte[]> Timestamps { get; }

    public int LogEntries { get; }

    /// <summary>The bundle's transparency-log entries (Sigstore <c>TransparencyLogEntry</c> JSON), or the daemon's stored ones.</summary>
    public IReadOnlyList<JsonElement> TlogEntries { get; init; } = [];

    /// <summary>Why the input is not an envelope or bundle; null when it is.</summary>
    public string? Error { get; }

    /// <summary>The daemon's record of when it signed this, for a stored attestation.</summary>
    public DateTimeOffset? RecordedSigningTime { get; init; }

    /// <summary>Input that is no envelope at all (a stored attestation not signed yet), with the reason.</summary>
    public static SignedAttestation Unreadable(string format, string error) => new(format, error);

    public static SignedAttestation FromBundle(SigstoreBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return new SignedAttestation(bundle.Envelope, bundle.MediaType, bundle.PublicKeyHint, bundle.Certificates, bundle.Rfc3161Timestamps, bundle.TlogEntries.Count)
        {
            TlogEntries = bundle.TlogEntries,
        };
    }

    /// <summary>A DSSE envelope or a Sigstore bundle (told apart by a top-level <c>mediaType</c>), as JSON.</summary>
    public static SignedAttestation Read(ReadOnlySpan<byte> json)
    {
        if (IsBundle(json, out var mediaType))
        {
            return SigstoreBundle.TryParse(json, out var bundle, out var bundleError)
                ? FromBundle(bundle)
                : new SignedAttestation(mediaType ?? "sigstore-bundle", bundleError);
        }
        return DsseEnvelope.TryParse(json, out var envelope, out var error) ? new SignedAttestation(envelope) : new SignedAttestation(DsseFormat, error);
    }

    private static bool IsBundle(ReadOnlySpan<byte> json, out string? mediaType)
    {
        mediaType = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read()) return false;
                if (name == "mediaType")
                {
                    mediaType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    return true;
                }
                if (name is "dsseEnvelope" or "verificationMaterial") return true;
                reader.Skip();
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
