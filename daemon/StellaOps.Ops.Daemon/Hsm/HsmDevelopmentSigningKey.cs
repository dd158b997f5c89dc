using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Keys;
using StellaOps.Ops.Daemon.Observability;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// Per-user development mode only (the daemon runs on <see cref="HsmDevelopmentToken"/>): at start, before the endpoint
/// opens, makes sure an active attestation-signing key exists on the development token, so a fresh
/// <c>build.ps1 start</c> signs at once and its doctor passes. When there is no active HSM signing key it generates an
/// ecdsa-p256 key, which becomes the active one (a key generated where none is active does, see
/// <see cref="KeyService.GenerateAsync"/>), and an inactive backup key.
/// </summary>
public sealed class HsmDevelopmentSigningKey(HsmService hsm, KeyService keys, AuditLog audit, ILogger<HsmDevelopmentSigningKey> log) : IHostedService
{
    public const string KeyName = "development-signing-ecdsa-p256";
    public const string BackupKeyName = "development-backup-ecdsa-p256";
    public const string AuditAction = "keys.GenerateDevelopmentKey";
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(60);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!hsm.UsesDevelopmentToken) return;
        try
        {
            await hsm.WhenStarted.WaitAsync(StartWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.LogWarning("Development mode: the development token did not connect within {Wait}; no development signing key was made.", (Duration)StartWait);
            return;
        }

        var active = keys.List(new KeyQuery { Purpose = KeyService.DefaultPurpose, Status = KeyStatus.Active }).FirstOrDefault(k => k.Provider == KeyProvider.Hsm);
        if (active is not null) return;
        // The signing key (the first key becomes the active one) and, as the doctor asks of every setup, a backup.
        if (await GenerateAsync(KeyName, cancellationToken).ConfigureAwait(false))
            await GenerateAsync(BackupKeyName, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> GenerateAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var key = await keys.GenerateAsync(new KeyGenerationRequest
            {
                Type = KeyType.Signing,
                Algorithm = KeyAlgorithm.EcdsaP256,
                Provider = KeyProvider.Hsm,
                Name = name,
                Purpose = KeyService.DefaultPurpose,
            }, cancellationToken).ConfigureAwait(false);
            var status = key.Status.ToString().ToLowerInvariant();
            audit.Record(null, AuditAction, $"ecdsa-p256 key {key.Id} ({name}) on the development token '{HsmDevelopmentToken.Label}', {status}", succeeded: true);
            log.LogInformation("Development mode: generated the {Status} {Purpose} key {KeyId} ({Name}, ecdsa-p256) on the development token '{Label}'.",
                status, KeyService.DefaultPurpose, key.Id, name, HsmDevelopmentToken.Label);
            return true;
        }
        catch (OpsException e)
        {
            audit.Record(null, AuditAction, $"ecdsa-p256 key ({name}) on the development token '{HsmDevelopmentToken.Label}'", succeeded: false, e.Message);
            log.LogWarning("Development mode: could not make the development key {Name}: {Message}", name, e.Message);
            return false;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
