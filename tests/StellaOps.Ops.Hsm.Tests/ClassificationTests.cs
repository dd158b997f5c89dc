using Net.Pkcs11Interop.Common;

namespace StellaOps.Ops.Hsm.Tests;

public sealed class ClassificationTests
{
    [Theory]
    [InlineData(CKR.CKR_DEVICE_ERROR, HsmErrorKind.Connection)]
    [InlineData(CKR.CKR_DEVICE_REMOVED, HsmErrorKind.Connection)]
    [InlineData(CKR.CKR_TOKEN_NOT_PRESENT, HsmErrorKind.Connection)]
    [InlineData(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, HsmErrorKind.Connection)]
    [InlineData(CKR.CKR_GENERAL_ERROR, HsmErrorKind.Connection)]
    [InlineData(CKR.CKR_SESSION_HANDLE_INVALID, HsmErrorKind.Session)]
    [InlineData(CKR.CKR_SESSION_CLOSED, HsmErrorKind.Session)]
    [InlineData(CKR.CKR_USER_NOT_LOGGED_IN, HsmErrorKind.Login)]
    [InlineData(CKR.CKR_OBJECT_HANDLE_INVALID, HsmErrorKind.Login)]
    [InlineData(CKR.CKR_FUNCTION_FAILED, HsmErrorKind.Transient)]
    [InlineData(CKR.CKR_PIN_INCORRECT, HsmErrorKind.PinIncorrect)]
    [InlineData(CKR.CKR_PIN_LOCKED, HsmErrorKind.PinLocked)]
    [InlineData(CKR.CKR_PIN_EXPIRED, HsmErrorKind.PinLocked)]
    [InlineData(CKR.CKR_MECHANISM_INVALID, HsmErrorKind.Unsupported)]
    [InlineData(CKR.CKR_DATA_LEN_RANGE, HsmErrorKind.Other)]
    public void Classifies_return_values_as_architecture_section_4(CKR rv, HsmErrorKind kind)
    {
        Assert.Equal(kind, Pkcs11ErrorClassifier.Classify(rv));
        var e = Pkcs11ErrorClassifier.FromPkcs11(new Pkcs11Exception("C_Sign", rv), "C_Sign", "hsm1");
        Assert.Equal(kind, e.Kind);
        Assert.Equal(rv.ToString(), e.Ckr);
        Assert.Contains("hsm1", e.Message);
        Assert.Equal(kind is HsmErrorKind.Connection, e.IsConnectionClass);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Pin_file_must_not_be_readable_by_others_and_newline_is_trimmed()
    {
        string path = Path.Combine(Path.GetTempPath(), "pin-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(path, "123456\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var e = Assert.Throws<HsmException>(() => HsmPin.FromFile(path)());
            Assert.Contains("chmod 600", e.Message);
            Assert.DoesNotContain("123456", e.ToString());

            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Equal("123456"u8.ToArray(), HsmPin.FromFile(path)());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
