namespace StellaOps.Ops.Attestation;

internal static class Hex
{
    public static string Lower(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(data);

    public static bool IsLowerHex(string s, int length)
    {
        if (s.Length != length) return false;
        foreach (var c in s)
        {
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        }
        return true;
    }
}
