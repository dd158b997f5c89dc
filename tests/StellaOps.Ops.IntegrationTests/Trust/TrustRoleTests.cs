using StellaOps.Ops.Contracts.Rpc;
using System.Text.Json;
using StellaOps.Ops.IntegrationTests.Attestor;

namespace StellaOps.Ops.IntegrationTests.Trust;

/// <summary>
/// Roles and the two-person rule with real Unix users: a reader may list anchors but not add them or approve
/// issuers (refused and audited); with issuers.approval.required 2 an issuer is trusted only after two different
/// operators approved (root, and stit-operator), and the same operator twice counts once.
/// </summary>
public sealed class TrustRoleTests : IAsyncLifetime
{
    private DaemonProcess _daemon = null!;
    private ProbeClient _probe = null!;

    public async Task InitializeAsync() => (_daemon, _probe) = await MultiUserDaemon.StartAsync(new Dictionary<string, string> { ["Issuers:Approval:Required"] = "2" });

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task A_reader_may_list_anchors_but_adding_one_is_refused_audited_and_changes_nothing()
    {
        using var root = TestCa.Root("Reader Root");
        var pem = TestCa.Write(_daemon.Root, "reader-root.pem", TestCa.Pem(root));

        var list = Probe(UnixAccounts.Reader, "anchor-list");
        Assert.True(list.GetProperty("ok").GetBoolean(), list.ToString());

        var add = Probe(UnixAccounts.Reader, "anchor-add", "root", pem);
        Assert.False(add.GetProperty("ok").GetBoolean());
        Assert.Equal("PermissionDenied", add.GetProperty("code").GetString());

        await using var admin = await _daemon.ConnectAsync();
        Assert.Empty(await admin.TrustAnchors.ListAsync(new TrustAnchorQuery(), CancellationToken.None));
        var audit = await admin.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = UnixAccounts.Reader }, CancellationToken.None);
        Assert.Contains(audit, e => e.Message.Contains("anchors.Add", StringComparison.Ordinal) && e.Message.Contains("permission denied", StringComparison.Ordinal));

        // The same request from an operator adds the anchor: the refusal was the role.
        var byOperator = Probe(UnixAccounts.Operator, "anchor-add", "root", pem);
        Assert.True(byOperator.GetProperty("ok").GetBoolean(), byOperator.ToString());
        Assert.Single(await admin.TrustAnchors.ListAsync(new TrustAnchorQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task Two_different_operators_must_approve_an_issuer_and_the_same_one_twice_counts_once()
    {
        await using var admin = await _daemon.ConnectAsync();
        var issuer = await IssuerTestHost.LocalIssuerAsync(_daemon, admin);
        Assert.Equal(IssuerStatus.PendingApproval, issuer.Status);

        var once = await admin.Issuers.ApproveAsync(issuer.Id, "Approved by security team", CancellationToken.None);
        Assert.Equal(IssuerStatus.PendingApproval, once.Status);
        Assert.Equal(1, once.ApprovalCount);
        Assert.Equal(2, once.ApprovalsRequired);
        var twice = await admin.Issuers.ApproveAsync(issuer.Id, "Approved again by the same person", CancellationToken.None);
        Assert.Equal(IssuerStatus.PendingApproval, twice.Status);
        Assert.Equal(1, twice.ApprovalCount);
        Assert.Equal(2, twice.Approvals.Length);
        Assert.Contains("1 more needed from another operator", twice.Reason);

        var reader = Probe(UnixAccounts.Reader, "issuer-approve", issuer.Id, "I am only a reader");
        Assert.Equal("PermissionDenied", reader.GetProperty("code").GetString());
        Assert.Equal(1, (await admin.Issuers.GetAsync(issuer.Id, CancellationToken.None)).ApprovalCount);

        var second = Probe(UnixAccounts.Operator, "issuer-approve", issuer.Id, "Second pair of eyes");
        Assert.True(second.GetProperty("ok").GetBoolean(), second.ToString());
        Assert.Equal("Trusted", second.GetProperty("value").GetString());
        var trusted = await admin.Issuers.GetAsync(issuer.Id, CancellationToken.None);
        Assert.True(trusted.Trusted);
        Assert.Contains(trusted.Approvals, a => a.ApprovedBy == UnixAccounts.Operator && a.Reason == "Second pair of eyes");
        Assert.Contains(UnixAccounts.Operator, trusted.Reason);

        var revoked = await admin.Issuers.RevokeAsync(issuer.Id, "test revocation", CancellationToken.None);
        Assert.Equal(IssuerStatus.Revoked, revoked.Status);
        Assert.All(revoked.Approvals, a => Assert.False(a.Counts));

        var audit = await admin.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "issuers.Approve" }, CancellationToken.None);
        Assert.Contains(audit, e => e.Message.Contains(UnixAccounts.Reader, StringComparison.Ordinal) && e.Message.Contains("permission denied", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Message.Contains(UnixAccounts.Operator, StringComparison.Ordinal) && e.Message.Contains("succeeded", StringComparison.Ordinal));
    }

    private JsonElement Probe(string user, params string[] args) => _probe.Run(user, [_daemon.Endpoint, .. args]);
}
