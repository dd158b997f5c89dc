using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace StellaOps.Ops.Tuf;

/// <summary>
/// <c>succinct_roles</c> (TAP 15): 2^bit_length hash bins named <c>{name_prefix}-{bin in hex}</c>, all with the same
/// keys and threshold; a target belongs to the bin of the first <c>bit_length</c> bits of the SHA-256 of its path.
/// </summary>
public sealed class SuccinctRoles : TufRoleKeys
{
    public int BitLength { get; set; }

    public required string NamePrefix { get; init; }

    public int NumberOfBins => 1 << BitLength;

    private int SuffixLength => (NumberOfBins - 1).ToString("x").Length;

    internal static new SuccinctRoles Read(JsonNode? node, string role)
    {
        var f = new JsonFields(node, role, "succinct_roles");
        var bits = f.Integer("bit_length");
        if (bits is < 1 or > 32) throw TufErrors.Invalid(role, "succinct_roles.bit_length must be 1 to 32");
        var s = new SuccinctRoles { BitLength = (int)bits, NamePrefix = f.String("name_prefix") };
        s.ReadKeys(f, role);
        s.UnrecognizedFields = f.Rest;
        return s;
    }

    internal new JsonObject ToJson()
    {
        var o = new JsonObject { ["bit_length"] = BitLength, ["name_prefix"] = NamePrefix };
        WriteKeys(o);
        JsonFields.AddUnrecognized(o, UnrecognizedFields);
        return o;
    }

    public string GetRoleForTarget(string targetPath)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(targetPath));
        var bin = BitLength == 32 ? BinaryPrimitives.ReadUInt32BigEndian(hash) : BinaryPrimitives.ReadUInt32BigEndian(hash) >> (32 - BitLength);
        return BinName(bin);
    }

    public string BinName(uint bin) => $"{NamePrefix}-{bin.ToString("x").PadLeft(SuffixLength, '0')}";

    public IEnumerable<string> GetRoles()
    {
        for (uint i = 0; i < (uint)NumberOfBins; i++) yield return BinName(i);
    }

    public bool IsDelegatedRole(string name)
    {
        var prefix = NamePrefix + "-";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var suffix = name[prefix.Length..];
        if (suffix.Length != SuffixLength || !suffix.All(char.IsAsciiHexDigitLower)) return false;
        return uint.TryParse(suffix, System.Globalization.NumberStyles.AllowHexSpecifier, null, out var bin) && bin < (uint)NumberOfBins;
    }
}
