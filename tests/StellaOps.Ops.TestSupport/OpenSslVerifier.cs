namespace StellaOps.Ops.TestSupport;

/// <summary>
/// An independent verifier: the openssl command line, which knows nothing of this code base. A signature verifies
/// when openssl, told the hash, finds it over exactly those message bytes with that hash (or, with no hash, as pure
/// Ed25519 over the message). ECDSA signatures are DER, as DSSE and openssl want them.
/// </summary>
public static class OpenSslVerifier
{
    /// <param name="spki">The public key, SubjectPublicKeyInfo DER.</param>
    /// <param name="hash">The digest name (sha256, sha384), or null for Ed25519.</param>
    public static bool Verify(byte[] spki, string? hash, byte[] message, byte[] signature)
    {
        var dir = Directory.CreateTempSubdirectory("stellaops-openssl-").FullName;
        try
        {
            var key = Path.Combine(dir, "key.der");
            var data = Path.Combine(dir, "data");
            var sig = Path.Combine(dir, "sig");
            File.WriteAllBytes(key, spki);
            File.WriteAllBytes(data, message);
            File.WriteAllBytes(sig, signature);
            string[] args = hash is null
                ? ["pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", key, "-rawin", "-in", data, "-sigfile", sig]
                : ["dgst", "-" + hash, "-verify", key, "-keyform", "DER", "-signature", sig, data];
            try
            {
                ProcessRunner.Run("openssl", args, new Dictionary<string, string>());
                return true; // openssl exits 0 only for a signature that verifies
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
