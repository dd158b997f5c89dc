using Net.Pkcs11Interop.HighLevelAPI;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Hsm;

internal sealed record CachedKey(IObjectHandle Handle, KeyAlgorithm Algorithm);
