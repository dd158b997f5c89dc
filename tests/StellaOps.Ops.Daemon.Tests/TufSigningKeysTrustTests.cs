using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Dsse;
using StellaOps.Ops.Attestation.InToto;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Attestation.Signing;
using StellaOps.Ops.Attestation.Verification;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Hosting;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Daemon.Storage;
using StellaOps.Ops.Daemon.TrustSync;
using StellaOps.Ops.TestSupport.Tuf;
using StellaOps.Ops.Tuf;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>
/// The repository's signing-keys.json reaches verification: the daemon's trust sync (TrustSyncService over a
/// repository the tooling writes, served on 127.0.0.1) publishes the issuer keys with their windows, the daemon's
/// Sigstore trust source hands them to the verifier, and a key retired in the repository stops verifying what it
/// signs after its end once the daemon syncs.
/// </summary>
public sealed class TufSigningKeysTrustTests : IAsyncLifetime
{
    private static readonly char[] Online = "online-password".ToCharArray();
    private readonly string _dir = Directory.CreateTempSubdirectory("stellaops-signing-keys-").FullName;
    private TufRepository _repo = null!;
    private LoopbackFileServer _server = null!;
    private readonly DaemonCore _core = new(new ManualTime(DateTimeOffset.UtcNow));

    private string Publish => Path.Combine(_dir, "publish");

    public async Task InitializeAsync()
    {
        (_repo, _) = await TufRepository.InitializeAsync(Path.Combine(_dir, "repo"), new TufCeremonyOptions { Threshold = 1, Keys = 1, KdfIterations = 10_000 },
            _ => "root-password".ToCharArray(), Online, new Dictionary<string, byte[]>
            {
                [TrustSyncService.TrustedRootTarget] = Encoding.UTF8.GetBytes(new JsonObject
                {
                    ["mediaType"] = SigstoreTrustedRootParser.MediaTypeV02, ["tlogs"] = new JsonArray(), ["certificateAuthorities"] = new JsonArray(),
                    ["ctlogs"] = new JsonArray(), ["timestampAuthorities"] = new JsonArray(),
                }.ToJsonString()),
            });
        Directory.CreateDirectory(Publish);
        _server = new LoopbackFileServer(Publish);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _core.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A trust sync with the daemon's settings and audit log on the test's own state database.</summary>
    private TrustSyncService NewSync(TrustSyncPaths paths, TufSigstoreTrustSource source)
        => new(paths, source, _core.Settings, new AuditLog(new EventStore(_core.State), NullLogger<AuditLog>.Instance), TimeProvider.System, NullLogger<TrustSyncService>.Instance);

    /// <summary>The daemon's trust-sync paths under this test's directory, as the daemon lays them out.</summary>
    private TrustSyncPaths DaemonTrustPaths()
    {
        var state = Path.Combine(_dir, "daemon");
        return new TrustSyncPaths(new DaemonPaths(Options.Create(new DaemonOptions { StateDirectory = state }), Options.Create(new IpcOptions { Endpoint = Path.Combine(state, "s.sock") })));
    }

    /// <summary>`stella trust init` against the test repository's published metadata and targets, trusting its first root.</summary>
    private TrustInitRequest InitRequest() => new()
    {
        TufUrl = _server.BaseUrl + "metadata/", TargetsUrl = _server.BaseUrl + "targets/",
        Root = File.ReadAllBytes(Path.Combine(_repo.MetadataDirectory, "1.root.json")),
    };

    /// <summary>The document rotate-signing-key.sh writes: one key, its window from <paramref name="start"/> to <paramref name="end"/>.</summary>
    private static byte[] SigningKeys(string name, ECDsa key, DateTimeOffset start, DateTimeOffset? end)
    {
        var window = new JsonObject { ["start"] = start.ToString("yyyy-MM-ddTHH:mm:ssZ") };
        if (end is { } e) window["end"] = e.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var spki = key.ExportSubjectPublicKeyInfo();
        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["mediaType"] = SigningKeysDocument.MediaType,
            ["keys"] = new JsonArray(new JsonObject
            {
                ["name"] = name, ["keyId"] = Convert.ToHexStringLower(SHA256.HashData(spki)), ["algorithm"] = "ecdsa-p256",
                ["publicKey"] = key.ExportSubjectPublicKeyInfoPem() + "\n", ["validFor"] = window,
            }),
        }.ToJsonString());
    }

    private async Task SignAndPublishAsync()
    {
        await _repo.SignAsync([], role => _repo.LoadOnlineKey(role, Online));
        _repo.Publish(Publish);
    }

    private static async Task<AttestationVerification> SignAndVerifyNowAsync(ECDsa key, ITrustMaterial trust)
    {
        using var signer = new SoftwareDsseSigner(ECDsa.Create(key.ExportParameters(includePrivateParameters: true)));
        var statement = new InTotoStatement([SubjectFactory.Parse("test:release-1")], "https://stellaops.example/attestation/test/v1",
            System.Text.Json.JsonDocument.Parse("{\"release\":1}").RootElement);
        var envelope = await DsseEnvelopeBuilder.SignAsync(statement, signer);
        using var verifier = new AttestationVerifier(trust);
        return verifier.Verify(envelope.ToJsonBytes(), "test envelope");
    }

    [Fact]
    public async Task A_key_retired_in_signing_keys_json_stops_verifying_what_it_signs_after_its_end_once_the_daemon_syncs()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        _repo.WriteContent(SigningKeysDocument.TargetName, SigningKeys("release-key", key, start, null));
        await SignAndPublishAsync();

        var paths = DaemonTrustPaths();
        var source = new TufSigstoreTrustSource(TimeProvider.System);
        using var sync = NewSync(paths, source);
        await sync.InitAsync(InitRequest(), null, CancellationToken.None);

        // The daemon's Sigstore trust source serves the key with its open window; what it signs verifies.
        var trust = new SigstoreTrustMaterial(source);
        var served = Assert.Single(trust.Keys);
        Assert.Equal(start.ToUnixTimeSeconds(), served.NotBefore!.Value.ToUnixTimeSeconds());
        Assert.Null(served.NotAfter);
        Assert.Contains("signing-keys.json key 'release-key'", served.Source, StringComparison.Ordinal);
        var before = await SignAndVerifyNowAsync(key, trust);
        Assert.True(before.Verified, before.Cause);

        // Retired in the repository (its window ends), signed, published: once synced, a new signature is refused.
        var end = DateTimeOffset.UtcNow.AddSeconds(-2);
        _repo.WriteContent(SigningKeysDocument.TargetName, SigningKeys("release-key", key, start, end));
        await SignAndPublishAsync();
        Assert.True((await SignAndVerifyNowAsync(key, trust)).Verified, "not synced yet: the daemon still serves the open window");
        var synced = await sync.SyncAsync(new TrustSyncRequest(), null, CancellationToken.None);
        Assert.Contains(synced.Roles, r => r.Role == TufRoleNames.Targets && r.After > r.Before);
        Assert.Equal(end.ToUnixTimeSeconds(), Assert.Single(trust.Keys).NotAfter!.Value.ToUnixTimeSeconds());
        var after = await SignAndVerifyNowAsync(key, trust);
        Assert.False(after.Verified);
        Assert.Equal(OpsErrorCode.KeyNotTrustedAtSigningTime, after.Failure);
    }

    [Fact]
    public async Task A_signing_keys_json_the_daemon_cannot_read_is_refused_and_names_the_target()
    {
        _repo.WriteContent(SigningKeysDocument.TargetName, Encoding.UTF8.GetBytes("{\"mediaType\":\"" + SigningKeysDocument.MediaType + "\",\"keys\":[{\"name\":\"k\"}]}"));
        await SignAndPublishAsync();
        var paths = DaemonTrustPaths();
        var source = new TufSigstoreTrustSource(TimeProvider.System);
        using var sync = NewSync(paths, source);
        var refused = await Assert.ThrowsAsync<OpsException>(() => sync.InitAsync(InitRequest(), null, CancellationToken.None));
        Assert.Equal(OpsErrorCode.TrustMaterialInvalid, refused.Code);
        Assert.Contains(SigningKeysDocument.TargetName, refused.Message, StringComparison.Ordinal);
        Assert.Empty(new SigstoreTrustMaterial(source).Keys);
    }
}
