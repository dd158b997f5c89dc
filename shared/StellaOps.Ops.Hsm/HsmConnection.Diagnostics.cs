using System.Diagnostics;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

// Diagnostics: probe, info, slots and mechanisms.
public sealed partial class HsmConnection
{
    // ---------------------------------------------------------------- operations

    /// <summary>
    /// Keep-alive: C_GetSessionInfo on the persistent session PLUS real token operations (C_GetTokenInfo,
    /// C_GenerateRandom, a C_FindObjects) because SoftHSM answers session info locally even when the token is gone.
    /// A failed probe applies the error policy (a connection error marks the connection Down; a module reloaded under the
    /// probe is probed again on its new instance). Never throws for HSM errors.
    /// </summary>
    public async Task<HsmProbeResult> ProbeAsync(CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        HsmProbeResult result;
        try
        {
            ConnectedSessions ctx;
            TokenSnapshot token;
            for (var attempt = 1; ; attempt++)
            {
                ctx = await UsableContextAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    token = await ProbeOnceAsync(ctx, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (HsmException e) when (attempt == 1 && (ReloadedUnder(ctx, e) || Replaced(ctx)))
                {
                    // The module was reloaded, or the sessions replaced (a reconnect, a reset), while the probe waited
                    // for the persistent session: probe the current ones.
                }
            }

            ctx.Token = token;
            lock (_stateLock)
            {
                _lastToken = token;
            }

            result = new HsmProbeResult(Name, true, sw.Elapsed, _time.GetUtcNow());
            NoteSuccess();
        }
        catch (HsmException e)
        {
            if (e.Kind == HsmErrorKind.Login)
            {
                // Logged out behind our back: log in again (respects the PIN latch) on the next operation.
                try { await ReloginAsync(CurrentContext(), cancellationToken).ConfigureAwait(false); } catch (HsmException) { }
            }

            result = new HsmProbeResult(Name, false, sw.Elapsed, _time.GetUtcNow(), e.Kind, e.Message);
        }

        lock (_stateLock)
        {
            _lastProbe = result;
        }

        return result;
    }

    private Task<TokenSnapshot> ProbeOnceAsync(ConnectedSessions ctx, CancellationToken cancellationToken) =>
        RunPersistentAsync(ctx, "probe", s =>
        {
            var info = s.GetSessionInfo();
            if (info.State is not (CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS))
            {
                throw new Pkcs11Exception("C_GetSessionInfo", CKR.CKR_USER_NOT_LOGGED_IN);
            }

            var ti = ctx.Slot.GetTokenInfo();
            _ = s.GenerateRandom(8);
            s.FindObjectsInit([Pkcs11Library.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)]);
            try
            {
                _ = s.FindObjects(1);
            }
            finally
            {
                s.FindObjectsFinal();
            }

            return Snapshot(ti, ctx.Slot.SlotId);
        }, cancellationToken);

    /// <summary>A snapshot for status displays; makes no PKCS#11 call (token data is from the last connect/probe).</summary>
    public HsmConnectionInfo GetInfo()
    {
        lock (_stateLock)
        {
            var ctx = _ctx;
            var module = ctx?.Module ?? _lastModule;
            var token = ctx?.Token ?? _lastToken;
            int idle = ctx?.Idle.Count ?? 0;
            int opened = ctx is null ? 0 : Volatile.Read(ref ctx.Opened);
            return new HsmConnectionInfo(
                Name, _state, _stateReason, Library.ModulePath,
                module?.Manufacturer, module?.Description, module?.CryptokiVersion, module?.LibraryVersion,
                token?.Label, token?.Serial, token?.Model, token?.Manufacturer, token?.Flags, token?.SlotId,
                new HsmSessionCounts(ctx is not null, Math.Max(0, opened - idle), idle, _options.PoolSize),
                _lastError, _lastErrorAt, _lastProbe, _pinLatch is not null, LoginAttempts, Library.Generation);
        }
    }

    /// <summary>All slots of the module (loads it if needed), with token label/serial/model and whether the slot is free.</summary>
    public async Task<IReadOnlyList<HsmSlotInfo>> GetSlotsAsync(CancellationToken cancellationToken = default)
    {
        var module = await Library.EnsureLoadedAsync(_options.CallTimeout, Name, cancellationToken).ConfigureAwait(false);
        return await CallAsync(module, "C_GetSlotList", () =>
        {
            var list = new List<HsmSlotInfo>();
            foreach (var s in module.Library.GetSlotList(SlotsType.WithOrWithoutTokenPresent))
            {
                var si = s.GetSlotInfo();
                bool present = si.SlotFlags.TokenPresent;
                ITokenInfo? ti = null;
                if (present)
                {
                    try { ti = s.GetTokenInfo(); } catch (Pkcs11Exception) { }
                }

                list.Add(new HsmSlotInfo(s.SlotId, si.SlotDescription.Trim(), present, ti?.Label.Trim(), ti?.SerialNumber.Trim(), ti?.Model.Trim(), ti?.TokenFlags.TokenInitialized ?? false));
            }

            return (IReadOnlyList<HsmSlotInfo>)list;
        }, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Which <see cref="KeyAlgorithm"/>s the token can generate and sign with.</summary>
    public async Task<IReadOnlyList<HsmMechanismSupport>> GetMechanismsAsync(CancellationToken cancellationToken = default)
    {
        var ctx = await UsableContextAsync(cancellationToken).ConfigureAwait(false);
        return await CallAsync(ctx.Module, "C_GetMechanismList", () =>
        {
            var available = ctx.Slot.GetMechanismList().Select(m => (ulong)m).ToHashSet();
            bool Has(ulong mech, bool generate, ulong bits)
            {
                if (!available.Contains(mech))
                {
                    return false;
                }

                var mi = ctx.Slot.GetMechanismInfo((CKM)mech);
                bool flag = generate ? mi.MechanismFlags.GenerateKeyPair : mi.MechanismFlags.Sign;
                bool size = bits == 0 || mi.MaxKeySize == 0 || (mi.MinKeySize <= bits && bits <= mi.MaxKeySize);
                return flag && size;
            }

            var ec = (ulong)CKM.CKM_EC_KEY_PAIR_GEN;
            var ecdsa = (ulong)CKM.CKM_ECDSA;
            return (IReadOnlyList<HsmMechanismSupport>)
            [
                new(KeyAlgorithm.EcdsaP256, Has(ec, true, 256), Has(ecdsa, false, 256), nameof(CKM.CKM_EC_KEY_PAIR_GEN), nameof(CKM.CKM_ECDSA) + " (SHA-256 hashed by the library)"),
                new(KeyAlgorithm.EcdsaP384, Has(ec, true, 384), Has(ecdsa, false, 384), nameof(CKM.CKM_EC_KEY_PAIR_GEN), nameof(CKM.CKM_ECDSA) + " (SHA-384 hashed by the library)"),
                new(KeyAlgorithm.Rsa3072, Has((ulong)CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, true, 3072), Has((ulong)CKM.CKM_SHA256_RSA_PKCS, false, 3072), nameof(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN), nameof(CKM.CKM_SHA256_RSA_PKCS)),
                new(KeyAlgorithm.Ed25519, Has(CkmEcEdwardsKeyPairGen, true, 0), Has(CkmEddsa, false, 0), "CKM_EC_EDWARDS_KEY_PAIR_GEN (0x1055)", "CKM_EDDSA (0x1057)"),
            ];
        }, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
    }
}
