namespace StellaOps.Ops.Attestation.Signing;

/// <summary>PEM for SubjectPublicKeyInfo public keys (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
public static class PublicKeyPem
{
    public const string Label = "PUBLIC KEY";

    public static string Encode(ReadOnlySpan<byte> spkiDer) => new(System.Security.Cryptography.PemEncoding.Write(Label, spkiDer));

    /// <summary>Decodes the first <c>PUBLIC KEY</c> block in <paramref name="pem"/> to SPKI DER.</summary>
    public static byte[] Decode(string pem)
        => TryDecode(pem, out var der)
            ? der
            : throw new FormatException("No '-----BEGIN PUBLIC KEY-----' block with valid base64 was found.");

    public static bool TryDecode(string? pem, out byte[] spkiDer)
    {
        spkiDer = [];
        if (string.IsNullOrEmpty(pem)) return false;
        var span = pem.AsSpan();
        while (System.Security.Cryptography.PemEncoding.TryFind(span, out var fields))
        {
            if (span[fields.Label].SequenceEqual(Label))
            {
                var data = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(span[fields.Base64Data], data, out var written)) return false;
                spkiDer = data[..written];
                return true;
            }
            span = span[fields.Location.End..];
        }
        return false;
    }
}
