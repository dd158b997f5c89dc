using System.Text;
using System.Text.Json;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;

namespace StellaOps.Ops.Attestation.Tests.Support;

internal static class Statements
{
    public static InTotoStatement Sample(string subject = "test:verification") => new(
        [SubjectFactory.Parse(subject)],
        "https://stellaops.example/attestation/test/v1",
        JsonDocument.Parse("""{"purpose":"test-sign","note":"héllo <&> +","n":1}""").RootElement);

    /// <summary>Flips the low bit of one byte inside the subject name, so the payload stays valid JSON.</summary>
    public static DsseEnvelope TamperOneByte(DsseEnvelope envelope)
    {
        var payload = envelope.Payload.ToArray();
        var at = payload.AsSpan().IndexOf("verification"u8);
        Assert.True(at > 0, "sample payload should contain the subject name");
        payload[at + 1] ^= 0x01; // 'e' -> 'd'
        Assert.NotEqual(envelope.Payload.ToArray(), payload);
        return new DsseEnvelope(envelope.PayloadType, payload, envelope.Signatures);
    }

    public static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
