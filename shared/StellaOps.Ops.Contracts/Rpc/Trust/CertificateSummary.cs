using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>One certificate, as a list shows it.</summary>
public sealed record CertificateSummary
{
    /// <summary>Lower-case hex SHA-256 fingerprint of the DER.</summary>
    public string Fingerprint { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Issuer { get; init; } = "";
    public string SerialNumber { get; init; } = "";
    public DateTimeOffset NotBefore { get; init; }
    public DateTimeOffset NotAfter { get; init; }

    public override string ToString() => $"{Subject} ({DisplayText.ShortKeyId(Fingerprint)}, until {DisplayText.Date(NotAfter)})";
}
