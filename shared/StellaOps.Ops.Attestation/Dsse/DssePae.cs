using System.Globalization;
using System.Text;

namespace StellaOps.Ops.Attestation.Dsse;

/// <summary>DSSE v1 pre-authentication encoding, the bytes that are actually signed.</summary>
public static class DssePae
{
    /// <summary>
    /// <c>"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, where LEN is the byte count in ASCII decimal
    /// (no leading zeros) and SP is one 0x20 byte. The type is encoded as UTF-8.
    /// </summary>
    public static byte[] Encode(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        var typeBytes = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"DSSEv1 {typeBytes.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        var result = new byte[header.Length + typeBytes.Length + middle.Length + payload.Length];
        var span = result.AsSpan();
        header.CopyTo(span);
        span = span[header.Length..];
        typeBytes.CopyTo(span);
        span = span[typeBytes.Length..];
        middle.CopyTo(span);
        span = span[middle.Length..];
        payload.CopyTo(span);
        return result;
    }
}
