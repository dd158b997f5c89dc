namespace StellaOps.Ops.Transparency.Notes;

/// <summary>One signature line of a C2SP signed note: <c>— &lt;name&gt; base64(keyID[4] ‖ signature)</c>.</summary>
public sealed record NoteSignature(string Name, byte[] KeyId, byte[] Signature)
{
    public string ToLine() => $"\u2014 {Name} {Convert.ToBase64String([.. KeyId, .. Signature])}\n";
}
