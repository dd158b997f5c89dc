using System.Text;
using Microsoft.Extensions.Logging;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;
using StellaOps.Ops.Daemon.Ipc;
using StellaOps.Ops.Daemon.Observability;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>
/// The key the Sign self-test (<c>stella crypto hsm verify</c>) signs with: ecdsa-p256 with CKA_ID Hsm:SelfTestKeyId,
/// on each token. The daemon puts it on a token that lacks it whenever it connects to it (at start, after an outage)
/// and on an operator's reconnect, with an audit record; a test (which readers may run) never changes a token.
/// </summary>
public sealed class HsmSelfTestKey(AuditLog audit, ILogger<HsmSelfTestKey> log)
{
    // One provisioning at a time: two must never both find the key missing and make two with one CKA_ID.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public const string Label = "stellaops-selftest";
    public const KeyAlgorithm Algorithm = KeyAlgorithm.EcdsaP256;
    public const string AuditAction = "hsm.ProvisionSelfTestKey";

    /// <summary>The configured CKA_ID, or "stella-selftest" when the setting is not valid hex.</summary>
    public static byte[] Id(HsmOptions o)
    {
        try
        {
            return o.SelfTestKeyId is { Length: > 0 } hex ? Convert.FromHexString(hex) : Encoding.ASCII.GetBytes("stella-selftest");
        }
        catch (FormatException)
        {
            return Encoding.ASCII.GetBytes("stella-selftest");
        }
    }

    /// <summary>What a Sign self-test says when the token has no self-test key, and how an operator provisions it.</summary>
    public static OpsError Missing(HsmConnection c, byte[] id) => new()
    {
        Code = OpsErrorCode.KeyNotFound,
        Message = $"HSM '{c.Name}' (token '{c.GetInfo().TokenLabel ?? c.Options.TokenLabel}') has no self-test key {Convert.ToHexString(id)}; a test does not create one.",
        Target = c.Name,
        RecommendedAction = $"An operator runs '{HsmErrors.Reconnect}' (Reset-StellaHsm): the daemon then provisions the self-test key ({Algorithm.ToName()}) on every connected token that lacks it, audited.",
    };

    /// <summary>
    /// Provisions the self-test key on <paramref name="c"/> (a member of <paramref name="rt"/>) when it is connected and
    /// lacks it. Never throws for HSM errors: a token that refuses is logged (and the attempt audited); its Sign
    /// self-test then says what is missing.
    /// </summary>
    public async Task EnsureAsync(HsmRuntime rt, HsmConnection c, CancellationToken cancellationToken)
    {
        byte[] id = Id(rt.Config);
        string hex = Convert.ToHexString(id);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (c.State == HsmConnectionState.Down) return;
            string token = c.GetInfo().TokenLabel ?? c.Options.TokenLabel ?? c.Options.TokenSerial ?? c.Name;
            bool present;
            try
            {
                present = await c.KeyExistsAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (HsmException e)
            {
                log.LogWarning("HSM {Member}: could not look for the self-test key {Id}: {Message}", c.Name, hex, e.Message);
                return;
            }

            if (present) return;
            string what = $"{Algorithm.ToName()} self-test key {hex} ('{Label}') on '{c.Name}' (token '{token}')";
            try
            {
                await c.GenerateKeyPairAsync(Algorithm, Label, id, cancellationToken).ConfigureAwait(false);
                audit.Record(CallerContext.Current, AuditAction, what, succeeded: true);
                log.LogInformation("HSM {Member}: provisioned the {What}.", c.Name, what);
            }
            catch (HsmException e)
            {
                audit.Record(CallerContext.Current, AuditAction, what, succeeded: false, e.Message);
                log.LogWarning("HSM {Member}: could not provision the {What}: {Message}", c.Name, what, e.Message);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
