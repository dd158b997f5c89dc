using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

// Key objects: generation, lookup by CKA_ID, public key read, listing, destruction.
public sealed partial class HsmConnection
{
    /// <summary>
    /// Generates a token key pair (private key: CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE=true, CKA_EXTRACTABLE=false,
    /// CKA_SIGN=true) with the given label and CKA_ID; returns the public key as SubjectPublicKeyInfo DER.
    /// Fails if an object with that CKA_ID already exists.
    /// </summary>
    public Task<byte[]> GenerateKeyPairAsync(KeyAlgorithm algorithm, string label, byte[] ckaId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(label);
        ValidateId(ckaId);
        return ExecuteAsync("C_GenerateKeyPair", (s, ctx) =>
        {
            var f = Pkcs11Library.Factories.ObjectAttributeFactory;
            if (s.FindAllObjects([f.Create(CKA.CKA_ID, ckaId)]).Count > 0)
            {
                throw new HsmException(HsmErrorKind.Other, $"HSM '{Name}': an object with key id {Convert.ToHexString(ckaId)} already exists; destroy it or choose another id.", null, Name);
            }

            var pub = new List<IObjectAttribute>
            {
                f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
                f.Create(CKA.CKA_TOKEN, true),
                f.Create(CKA.CKA_PRIVATE, false),
                f.Create(CKA.CKA_VERIFY, true),
                f.Create(CKA.CKA_LABEL, label),
                f.Create(CKA.CKA_ID, ckaId),
            };
            var priv = new List<IObjectAttribute>
            {
                f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
                f.Create(CKA.CKA_TOKEN, true),
                f.Create(CKA.CKA_PRIVATE, true),
                f.Create(CKA.CKA_SENSITIVE, true),
                f.Create(CKA.CKA_EXTRACTABLE, false),
                f.Create(CKA.CKA_SIGN, true),
                f.Create(CKA.CKA_LABEL, label),
                f.Create(CKA.CKA_ID, ckaId),
            };
            ulong mech;
            switch (algorithm)
            {
                case KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384:
                    mech = (ulong)CKM.CKM_EC_KEY_PAIR_GEN;
                    pub.Add(f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC));
                    priv.Add(f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC));
                    pub.Add(f.Create(CKA.CKA_EC_PARAMS, KeyEncoding.EcParams(algorithm)));
                    break;
                case KeyAlgorithm.Ed25519:
                    mech = CkmEcEdwardsKeyPairGen;
                    pub.Add(f.Create(CKA.CKA_KEY_TYPE, CkkEcEdwards));
                    priv.Add(f.Create(CKA.CKA_KEY_TYPE, CkkEcEdwards));
                    pub.Add(f.Create(CKA.CKA_EC_PARAMS, KeyEncoding.EcParams(algorithm)));
                    break;
                case KeyAlgorithm.Rsa3072:
                    mech = (ulong)CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
                    pub.Add(f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA));
                    priv.Add(f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA));
                    pub.Add(f.Create(CKA.CKA_MODULUS_BITS, 3072UL));
                    pub.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
                    break;
                default:
                    throw new HsmException(HsmErrorKind.Unsupported, $"Key algorithm {algorithm} is not supported.", null, Name);
            }

            using var generation = Pkcs11Library.Factories.MechanismFactory.Create(mech);
            s.GenerateKeyPair(generation, pub, priv, out var pubHandle, out var privHandle);
            ctx.Keys[Convert.ToHexString(ckaId)] = new CachedKey(privHandle, algorithm);
            return ReadSpki(s, pubHandle, algorithm);
        }, cancellationToken, _options.KeyGenerationTimeout);
    }

    /// <summary>The public key with this CKA_ID as SubjectPublicKeyInfo DER.</summary>
    public Task<byte[]> GetPublicKeySpkiAsync(byte[] ckaId, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        return ExecuteAsync("read public key", (s, _) =>
        {
            var f = Pkcs11Library.Factories.ObjectAttributeFactory;
            var handles = s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), f.Create(CKA.CKA_ID, ckaId)]);
            if (handles.Count == 0)
            {
                throw KeyNotFound(ckaId, "no public key object");
            }

            var alg = AlgorithmOf(s, handles[0]) ?? throw KeyNotFound(ckaId, "unsupported key type or curve");
            return ReadSpki(s, handles[0], alg);
        }, cancellationToken);
    }

    /// <summary>Whether a private key with this CKA_ID is on the token (a lookup: no error is recorded when there is none).</summary>
    public Task<bool> KeyExistsAsync(byte[] ckaId, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        return ExecuteAsync("find key", (s, _) =>
        {
            var f = Pkcs11Library.Factories.ObjectAttributeFactory;
            return s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), f.Create(CKA.CKA_ID, ckaId)]).Count > 0;
        }, cancellationToken);
    }

    /// <summary>
    /// Key pairs on the token (private key objects), with CKA_ID, label and algorithm; then public key objects that
    /// have no private key (<see cref="HsmKeyInfo.HasPrivateKeyObject"/> false).
    /// </summary>
    public Task<IReadOnlyList<HsmKeyInfo>> FindKeyIdsAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("find keys", (s, _) =>
        {
            var f = Pkcs11Library.Factories.ObjectAttributeFactory;
            var publicKeys = new Dictionary<string, IObjectHandle>(StringComparer.Ordinal);
            foreach (var h in s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY)]))
            {
                publicKeys[Convert.ToHexString(s.GetAttributeValue(h, [CKA.CKA_ID])[0].GetValueAsByteArray() ?? [])] = h;
            }

            var list = new List<HsmKeyInfo>();
            foreach (var h in s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)]))
            {
                var attrs = s.GetAttributeValue(h, [CKA.CKA_ID, CKA.CKA_LABEL]);
                byte[] id = attrs[0].GetValueAsByteArray() ?? [];
                list.Add(new HsmKeyInfo(id, attrs[1].GetValueAsString() ?? "", AlgorithmOf(s, h), publicKeys.Remove(Convert.ToHexString(id))));
            }

            foreach (var h in publicKeys.Values)
            {
                var attrs = s.GetAttributeValue(h, [CKA.CKA_ID, CKA.CKA_LABEL]);
                list.Add(new HsmKeyInfo(attrs[0].GetValueAsByteArray() ?? [], attrs[1].GetValueAsString() ?? "", AlgorithmOf(s, h), true) { HasPrivateKeyObject = false });
            }

            return (IReadOnlyList<HsmKeyInfo>)list;
        }, cancellationToken);

    /// <summary>Destroys every object (private, public, …) with this CKA_ID; returns how many were destroyed.</summary>
    public Task<int> DestroyKeyAsync(byte[] ckaId, CancellationToken cancellationToken = default)
    {
        ValidateId(ckaId);
        return ExecuteAsync("C_DestroyObject", (s, ctx) =>
        {
            var handles = s.FindAllObjects([Pkcs11Library.Factories.ObjectAttributeFactory.Create(CKA.CKA_ID, ckaId)]);
            foreach (var h in handles)
            {
                s.DestroyObject(h);
            }

            ctx.Keys.TryRemove(Convert.ToHexString(ckaId), out _);
            return handles.Count;
        }, cancellationToken);
    }

    // ---------------------------------------------------------------- helpers (run on the worker)

    private IObjectHandle FindPrivateKey(ISession s, ConnectedSessions ctx, byte[] ckaId, KeyAlgorithm algorithm)
    {
        string key = Convert.ToHexString(ckaId);
        if (ctx.Keys.TryGetValue(key, out var cached))
        {
            return cached.Algorithm == algorithm ? cached.Handle : throw KeyNotFound(ckaId, $"it is {cached.Algorithm.ToName()}, not {algorithm.ToName()}");
        }

        var f = Pkcs11Library.Factories.ObjectAttributeFactory;
        var handles = s.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), f.Create(CKA.CKA_ID, ckaId)]);
        if (handles.Count == 0)
        {
            throw KeyNotFound(ckaId, "no private key object");
        }

        if (handles.Count > 1)
        {
            throw new HsmException(HsmErrorKind.Other, $"HSM '{Name}': {handles.Count} private keys share key id {key}; key ids must be unique.", null, Name);
        }

        var actual = AlgorithmOf(s, handles[0]);
        if (actual != algorithm)
        {
            throw KeyNotFound(ckaId, $"it is {actual?.ToName() ?? "an unsupported key type"}, not {algorithm.ToName()}");
        }

        ctx.Keys[key] = new CachedKey(handles[0], algorithm);
        return handles[0];
    }

    private static KeyAlgorithm? AlgorithmOf(ISession s, IObjectHandle h)
    {
        ulong type = s.GetAttributeValue(h, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
        if (type == (ulong)CKK.CKK_RSA)
        {
            var mod = s.GetAttributeValue(h, [CKA.CKA_MODULUS])[0];
            return !mod.CannotBeRead && (mod.GetValueAsByteArray()?.Length ?? 0) == 384 ? KeyAlgorithm.Rsa3072 : null;
        }

        if (type == (ulong)CKK.CKK_EC || type == CkkEcEdwards)
        {
            var p = s.GetAttributeValue(h, [CKA.CKA_EC_PARAMS])[0];
            var alg = p.CannotBeRead ? null : KeyEncoding.AlgorithmFromEcParams(p.GetValueAsByteArray());
            return type == CkkEcEdwards ? (alg == KeyAlgorithm.Ed25519 ? alg : null) : (alg == KeyAlgorithm.Ed25519 ? null : alg);
        }

        return null;
    }

    private static byte[] ReadSpki(ISession s, IObjectHandle pub, KeyAlgorithm algorithm)
    {
        if (algorithm == KeyAlgorithm.Rsa3072)
        {
            var a = s.GetAttributeValue(pub, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            return KeyEncoding.RsaSpki(a[0].GetValueAsByteArray(), a[1].GetValueAsByteArray());
        }

        var point = s.GetAttributeValue(pub, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray();
        return KeyEncoding.EcSpki(algorithm, point);
    }

    private HsmException KeyNotFound(byte[] ckaId, string detail) =>
        new(HsmErrorKind.KeyNotFound, $"HSM '{Name}' (token '{_lastToken?.Label}'): key id {Convert.ToHexString(ckaId)}: {detail}. {Pkcs11ErrorClassifier.Advice(HsmErrorKind.KeyNotFound)}", null, Name);

    private static void ValidateId(byte[] ckaId)
    {
        ArgumentNullException.ThrowIfNull(ckaId);
        if (ckaId.Length == 0)
        {
            throw new ArgumentException("CKA_ID must not be empty.", nameof(ckaId));
        }
    }
}
