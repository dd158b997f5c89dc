namespace StellaOps.Ops.Contracts.Rpc;

/// <summary>A PKCS#10 request for a key's certificate; its text is the PEM an admin's CA takes.</summary>
public sealed record CertificateRequestInfo
{
    public string KeyId { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Pem { get; init; } = "";

    /// <summary>The PEM itself: what openssl or a CA reads when the output goes to a file.</summary>
    public override string ToString() => Pem;
}
