namespace StellaOps.Ops.Tuf.Repository;

/// <summary>
/// The repository's hash-bin delegation (TAP 15 <c>succinct_roles</c>): targets delegates every target to one of
/// 2^<see cref="BitLength"/> bins named <c>{NamePrefix}-{bin in hex}</c>, all signed by one online key, so adding a
/// target re-signs one small bin instead of a targets file listing everything.
/// </summary>
public sealed class TufHashBins
{
    /// <summary>The online key file's role name in <see cref="TufRepositoryConfig.OnlineKeyFiles"/>.</summary>
    public const string KeyRole = "bins";

    public int BitLength { get; set; }

    public string NamePrefix { get; set; } = "bins";

    public int Count => 1 << BitLength;

    /// <summary>The bit length for <paramref name="bins"/> bins: a power of two from 2 to 16384.</summary>
    public static int BitLengthFor(int bins) =>
        bins is >= 2 and <= 16384 && (bins & (bins - 1)) == 0
            ? System.Numerics.BitOperations.Log2((uint)bins)
            : throw new ArgumentException($"{bins} hash bins: give a power of two from 2 to 16384 (e.g. 16, 256).", nameof(bins));
}
