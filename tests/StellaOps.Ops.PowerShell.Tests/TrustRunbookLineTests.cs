using System.Management.Automation;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.PowerShell.Dispatch;

namespace StellaOps.Ops.PowerShell.Tests;

/// <summary>The runbook 002 lines of the trust half (trust anchors, key certificates, issuers) map to their cmdlets and parameters.</summary>
public sealed class TrustRunbookLineTests
{
    private static RunbookInvocation Parse(string line) => RunbookCommandLine.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void Trust_anchor_lines_call_the_trust_anchor_cmdlets()
    {
        Assert.Equal("Get-StellaTrustAnchor", Parse("trust-anchors list").CommandName);
        var root = Parse("trust-anchors add --cert issuer-cert.pem");
        Assert.Equal("Add-StellaTrustAnchor", root.CommandName);
        Assert.Equal("issuer-cert.pem", root.Parameters["Certificate"]);
        var intermediate = Parse("trust-anchors add-intermediate --cert intermediate.pem");
        Assert.Equal("intermediate.pem", intermediate.Parameters["Intermediate"]);
        Assert.False(intermediate.Parameters.ContainsKey("Certificate"));
        var key = Parse("trust-anchors add-key --key old-key.pem --expires 2026-11-30");
        Assert.Equal("old-key.pem", key.Parameters["PublicKey"]);
        Assert.Equal(new DateTime(2026, 11, 30), ((DateTimeOffset)key.Parameters["Expires"]!).DateTime);
    }

    [Fact]
    public void Certificate_chain_lines_call_Test_StellaCertificateChain_and_Set_StellaKeyCertificate()
    {
        var byAttestation = Parse("verify cert-chain --attestation abc123");
        Assert.Equal("Test-StellaCertificateChain", byAttestation.CommandName);
        Assert.Equal("abc123", byAttestation.Parameters["AttestationId"]);
        var expiry = Parse("verify cert --attestation abc123 --show-expiry");
        Assert.Equal(new SwitchParameter(true), expiry.Parameters["ShowExpiry"]);
        Assert.Equal("k1", Parse("crypto cert verify-chain --key k1").Parameters["KeyId"]);
        var update = Parse("crypto cert update-chain --key k1");
        Assert.Equal("Set-StellaKeyCertificate", update.CommandName);
        Assert.Equal("k1", update.Parameters["Id"]);
        Assert.Equal(new SwitchParameter(true), update.Parameters["UpdateChain"]);
    }

    [Fact]
    public void Issuer_lines_call_the_issuer_cmdlets()
    {
        Assert.Equal(new[] { "partner" }, (string[])Parse("issuer show partner").Parameters["Id"]!);
        Assert.Equal("Get-StellaIssuer", Parse("issuer trust-status partner").CommandName);
        var trust = RunbookCommandLine.Parse(["issuer", "trust", "partner", "--reason", "Approved by security team"]);
        Assert.Equal("Approve-StellaIssuer", trust.CommandName);
        Assert.Equal("Approved by security team", trust.Parameters["Reason"]);
        var fetch = Parse("issuer keys fetch partner");
        Assert.Equal("Update-StellaIssuerKey", fetch.CommandName);
        Assert.Equal(new[] { "partner" }, (string[])fetch.Parameters["Id"]!);
    }
}
