using StellaOps.Ops.Contracts;
using StellaOps.Ops.Hsm;

namespace StellaOps.Ops.Daemon.Hsm;

/// <summary>The key capability's view of the HSMs: through the failover group, errors mapped to <see cref="OpsException"/>.</summary>
public sealed class HsmKeyOperations(HsmService service) : IHsmKeyOperations
{
    public bool IsConfigured => service.IsConfigured;

    public string Location
    {
        get
        {
            var rt = service.Runtime;
            if (rt is null) return "";
            var c = rt.Group.ActiveConnection;
            return c.GetInfo().TokenLabel ?? c.Options.TokenLabel ?? c.Options.TokenSerial ?? c.Name;
        }
    }

    public Task<byte[]> GenerateKeyPairAsync(KeyAlgorithm algorithm, string label, byte[] ckaId, string? slot, CancellationToken cancellationToken)
    {
        var rt = service.Require();
        if (string.IsNullOrWhiteSpace(slot))
        {
            return HsmErrors.Map("key generation", () => rt.Group.GenerateKeyPairAsync(algorithm, label, ckaId, cancellationToken));
        }

        var c = rt.Members.FirstOrDefault(m =>
            string.Equals(m.Name, slot, StringComparison.OrdinalIgnoreCase) || m.Options.TokenLabel == slot || m.Options.TokenSerial == slot
            || (ulong.TryParse(slot, out var id) && m.GetInfo().SlotId == id))
            ?? throw OpsException.NotFound($"No configured HSM matches slot '{slot}'. Use 'primary', 'backup', a token label, serial or slot id ('stella crypto hsm slots list').", slot);
        return HsmErrors.Map($"key generation on '{c.Name}'", () => c.GenerateKeyPairAsync(algorithm, label, ckaId, cancellationToken));
    }

    public Task<byte[]> SignAsync(byte[] ckaId, KeyAlgorithm algorithm, byte[] message, CancellationToken cancellationToken)
    {
        var rt = service.Require();
        return HsmErrors.Map("signing", () => rt.Group.SignAsync(ckaId, algorithm, message, cancellationToken));
    }

    public Task<byte[][]> SignDigestsAsync(byte[] ckaId, KeyAlgorithm algorithm, IReadOnlyList<byte[]> digests, CancellationToken cancellationToken)
    {
        var rt = service.Require();
        return HsmErrors.Map("signing", () => rt.Group.SignDigestsAsync(ckaId, algorithm, digests, cancellationToken));
    }

    public int Parallelism => service.Runtime?.Group.ActiveConnection.Options.PoolSize ?? 1;

    public async Task<IReadOnlyList<HsmTokenKeys>> ListKeysAsync(CancellationToken cancellationToken)
    {
        var rt = service.Require();
        var tokens = new List<HsmTokenKeys>();
        foreach (var c in rt.Members)
        {
            // A member that is down or (re)connecting is not asked: a background check must not add errors or logins to it.
            if (c.State is not (HsmConnectionState.Connected or HsmConnectionState.Degraded))
            {
                tokens.Add(new HsmTokenKeys(c.Name, null, $"{c.State}: {c.StateReason}"));
                continue;
            }

            try { tokens.Add(new HsmTokenKeys(c.Name, await c.FindKeyIdsAsync(cancellationToken).ConfigureAwait(false), null)); }
            catch (HsmException e) { tokens.Add(new HsmTokenKeys(c.Name, null, $"{e.Kind}: {e.Message}")); }
        }

        return tokens;
    }

    /// <summary>Destroys the key on every member that holds it (the backup holds a copy); a down member is reported.</summary>
    public async Task DestroyKeyAsync(byte[] ckaId, CancellationToken cancellationToken)
    {
        var rt = service.Require();
        HsmException? failure = null;
        foreach (var c in rt.Members)
        {
            try
            {
                await c.DestroyKeyAsync(ckaId, cancellationToken).ConfigureAwait(false);
            }
            catch (HsmException e)
            {
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            throw HsmErrors.ToOps(failure, $"key destruction (key id {Convert.ToHexString(ckaId)})");
        }
    }
}
