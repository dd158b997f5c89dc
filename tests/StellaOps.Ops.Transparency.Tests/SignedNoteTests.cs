using System.Security.Cryptography;
using StellaOps.Ops.Transparency.Notes;

namespace StellaOps.Ops.Transparency.Tests;

public sealed class SignedNoteTests
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa Other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static byte[] SignWith(ECDsa key, byte[] data) => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private static NoteVerifierKey Trusted(string name = "log.example") => NoteVerifierKey.C2sp(name, Key.ExportSubjectPublicKeyInfo());

    [Fact]
    public void TheC2spKeyIdIsTheGoSumdbExampleKeyId()
    {
        // golang.org/x/mod/sumdb/note's example verifier key "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW":
        // the base64 is the type byte 0x01 (Ed25519) and the key; the id is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4].
        var vkey = Convert.FromBase64String("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
        Assert.Equal(NoteKeyIds.Ed25519Type, vkey[0]);
        Assert.Equal("c74f20a3", Convert.ToHexStringLower(NoteKeyIds.C2sp("PeterNeumann", vkey[0], vkey.AsSpan(1))));
    }

    [Fact]
    public void TheEcdsaKeyIdIsRekorTilesPublishedVector()
    {
        // sigstore/rekor-tiles pkg/note/note_test.go TestKeyHash: the public key of its ec-secp256r1-priv-key.pem with
        // origin "testkey" has key id 2408765216 (0x8f92d720) = SHA-256(SPKI DER)[:4]; the name is not hashed in.
        var spki = Convert.FromBase64String("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeLw7gX40qy1z7JUhGMAaaDITbV7p2D+C5G9xPEsy/PVAo9H0mgS4NYzpGirkXxBht+IvvL19WR1X9ANXha5ldQ==");
        Assert.Equal("8f92d720", Convert.ToHexStringLower(NoteVerifierKey.C2sp("testkey", spki).KeyId));
        Assert.Equal("8f92d720", Convert.ToHexStringLower(NoteVerifierKey.C2sp("another.origin", spki).KeyId));
    }

    [Fact]
    public void TheEd25519KeyIdIsRekorTilesPublishedVector()
    {
        // The same test's ed25519-priv-key.pem, origin "testkey": 3839787747 (0xe4de82e3) = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4].
        var spki = Convert.FromBase64String("MCowBQYDK2VwAyEAREvJyNZGjX6B3DAIuD3BTg9rIwV00GY8Xg5FU+IFDUQ=");
        Assert.Equal("e4de82e3", Convert.ToHexStringLower(NoteVerifierKey.C2sp("testkey", spki).KeyId));
    }

    [Fact]
    public void TheTextIsSplitAtTheLastBlankLine()
    {
        var key = Trusted();
        var note = SignedNote.Sign("first\n\nsecond after a blank line\n", [(key.Name, key.KeyId, d => SignWith(Key, d))]).ToString();
        Assert.True(SignedNote.TryParse(note, out var parsed, out var error), error);
        Assert.Equal("first\n\nsecond after a blank line\n", parsed.Text);
        Assert.True(parsed.Verify([key], out var by, out error), error);
        Assert.Same(key, Assert.Single(by));
    }

    [Fact]
    public void AnUnknownKeysSignatureIsIgnoredWhenAKnownOneVerifies()
    {
        var key = Trusted();
        var note = SignedNote.Sign("log.example\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            [("witness.example", new byte[] { 1, 2, 3, 4 }, d => SignWith(Other, d)), (key.Name, key.KeyId, d => SignWith(Key, d))]);
        Assert.True(SignedNote.TryParse(note.ToString(), out var parsed, out _));
        Assert.True(parsed.Verify([key], out _, out var error), error);
    }

    [Fact]
    public void AFailedSignatureByAKnownKeyRejectsTheNoteEvenIfAnotherVerifies()
    {
        var key = Trusted();
        var second = NoteVerifierKey.C2sp("mirror.example", Other.ExportSubjectPublicKeyInfo());
        // The known key's line carries a signature by another key: it must reject, whatever else verifies.
        var note = SignedNote.Sign("text\n", [(key.Name, key.KeyId, d => SignWith(Other, d)), (second.Name, second.KeyId, d => SignWith(Other, d))]);
        Assert.True(SignedNote.TryParse(note.ToString(), out var parsed, out _));
        Assert.False(parsed.Verify([key, second], out _, out var error));
        Assert.Contains("does not verify", error);
    }

    [Fact]
    public void ANoteNoKnownKeySignedIsRejected()
    {
        var note = SignedNote.Sign("text\n", [("stranger", new byte[] { 9, 9, 9, 9 }, d => SignWith(Other, d))]);
        Assert.True(SignedNote.TryParse(note.ToString(), out var parsed, out _));
        Assert.False(parsed.Verify([Trusted()], out _, out var error));
        Assert.Contains("no signature is by a trusted key", error);
    }

    [Theory]
    [InlineData("no blank line\n\u2014 a AAAAAAA=\n")]
    [InlineData("text\n\nnot a signature line\n")]
    [InlineData("text\n\n\u2014 a !!!\n")]
    [InlineData("text\n\n\u2014 a AAAA\n")]
    [InlineData("text\n\n")]
    [InlineData("text\n\n\u2014 a AAAAAAA=")]
    [InlineData("te\u0001xt\n\n\u2014 a AAAAAAA=\n")]
    public void MalformedNotesAreRefused(string note) => Assert.False(SignedNote.TryParse(note, out _, out _));

    [Fact]
    public void ACheckpointReadsOriginSizeRootAndExtensions()
    {
        var root = new byte[32];
        root[0] = 7;
        var text = new Checkpoint("log.example - 42", 1234, root, ["ext one"]).ToText();
        Assert.True(Checkpoint.TryParse(text, out var cp, out var error), error);
        Assert.Equal(("log.example - 42", 1234L, "ext one"), (cp.Origin, cp.Size, Assert.Single(cp.Extensions)));
        Assert.Equal(root, cp.RootHash);
        Assert.False(Checkpoint.TryParse("o\n01\n" + Convert.ToBase64String(root) + "\n", out _, out _));
        Assert.False(Checkpoint.TryParse("o\n1\nAAAA\n", out _, out _));
    }
}
