using StellaOps.Ops.Attestation;

namespace StellaOps.Ops.Transparency.Entries;

/// <summary>
/// Rekor v1's signed entry timestamp: the log key's signature over the RFC 8785 canonical JSON of
/// <c>{body, integratedTime, logID, logIndex}</c> (body base64, logID hex). The members are written in RFC 8785's
/// order (UTF-16 code unit order: body, integratedTime, logID, logIndex); the values are base64, hex and integers,
/// which need no escaping and have one canonical number form, so this is the canonical form.
/// </summary>
public static class SignedEntryTimestamp
{
    public static byte[] Payload(byte[] body, long integratedTime, byte[] logId, long logIndex) => AttestationJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("body", Convert.ToBase64String(body));
        w.WriteNumber("integratedTime", integratedTime);
        w.WriteString("logID", Convert.ToHexStringLower(logId));
        w.WriteNumber("logIndex", logIndex);
        w.WriteEndObject();
    });

    public static byte[] Payload(LogEntry entry) => Payload(entry.CanonicalizedBody, entry.IntegratedTime, entry.LogId, entry.LogIndex);

}
