using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;

namespace StellaOps.Ops.Hsm;

// C_Login, the PIN latch that stops a wrong PIN from being tried twice, PIN change and login test.
public sealed partial class HsmConnection
{
    /// <summary>Forgets a remembered PIN failure so the next connect may try C_Login once more.</summary>
    public void ResetPinFailure()
    {
        lock (_stateLock)
        {
            _pinLatch = null;
        }

        _log.LogInformation("HSM {Name}: PIN failure reset; the next connect attempts one login.", Name);
    }

    private async Task LoginAsync(ConnectedSessions ctx, CancellationToken ct)
    {
        byte[] pin = ThrowIfPinLatched(checkSource: true, keepPin: true)!;
        byte[] fingerprint = Fingerprint(pin);
        try
        {
            await RunPersistentAsync(ctx, "C_Login", s =>
            {
                Interlocked.Increment(ref _loginAttempts);
                try
                {
                    s.Login(CKU.CKU_USER, pin);
                }
                catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
                {
                    // Login state is per application and token: another connection to this token already logged in.
                }

                return true;
            }, ct, classify: false).ConfigureAwait(false);
        }
        catch (HsmException e) when (e.IsPinFailure)
        {
            lock (_stateLock)
            {
                _pinLatch = new PinLatch(e.Kind, e.Ckr, fingerprint);
            }

            _log.LogError("HSM {Name}: login failed with {Ckr}; logins are suspended until the PIN source changes or ResetPinFailure is called.", Name, e.Ckr);
            NoteError(e);
            MarkDown(ctx, e.Message);
            throw;
        }
        finally
        {
            Array.Clear(pin);
        }
    }

    /// <summary>Logs in again; if the persistent session itself is gone (all sessions were closed), reconnects.</summary>
    private async Task ReloginAsync(ConnectedSessions ctx, CancellationToken ct)
    {
        try
        {
            await LoginAsync(ctx, ct).ConfigureAwait(false);
        }
        catch (HsmException e) when (e.Kind == HsmErrorKind.Session)
        {
            _log.LogInformation("HSM {Name}: the persistent session is gone ({Ckr}); reopening sessions.", Name, e.Ckr);
            await ConnectCoreAsync(reload: false, ct, dropCurrent: true, staleCtx: ctx).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Throws the remembered PIN failure if one is latched and the PIN source still returns the same PIN. With
    /// <paramref name="keepPin"/> returns the PIN for a login (caller zeroes it).
    /// </summary>
    private byte[]? ThrowIfPinLatched(bool checkSource, bool keepPin = false)
    {
        PinLatch? latch;
        lock (_stateLock)
        {
            latch = _pinLatch;
        }

        if (latch is null && !keepPin)
        {
            return null;
        }

        if (latch is not null && !checkSource)
        {
            throw latch.ToException(Name);
        }

        byte[] pin;
        try
        {
            pin = _options.PinProvider();
        }
        catch (Exception e) when (e is not HsmException)
        {
            throw new HsmException(HsmErrorKind.Other, $"HSM '{Name}': the PIN provider failed ({e.GetType().Name}). Check the PIN file/variable.", null, Name);
        }

        if (latch is not null)
        {
            byte[] fp = Fingerprint(pin);
            if (CryptographicOperations.FixedTimeEquals(fp, latch.Fingerprint))
            {
                Array.Clear(pin);
                throw latch.ToException(Name);
            }

            _log.LogInformation("HSM {Name}: the PIN source changed since the last PIN failure; one login will be attempted.", Name);
            lock (_stateLock)
            {
                _pinLatch = null;
            }
        }

        if (keepPin)
        {
            return pin;
        }

        Array.Clear(pin);
        return null;
    }

    private byte[] Fingerprint(byte[] pin) => HMACSHA256.HashData(_pinFingerprintKey, pin);

    /// <summary>
    /// C_SetPIN in the logged-in RW persistent session. Update the PIN source afterwards (the next login uses it).
    /// A wrong old PIN throws PinIncorrect but does not latch (the caller supplied it interactively). Arrays are not zeroed.
    /// </summary>
    public async Task ChangePinAsync(byte[] oldPin, byte[] newPin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oldPin);
        ArgumentNullException.ThrowIfNull(newPin);
        var ctx = await UsableContextAsync(cancellationToken).ConfigureAwait(false);
        await RunPersistentAsync(ctx, "C_SetPIN", s =>
        {
            s.SetPin(oldPin, newPin);
            return true;
        }, cancellationToken, classify: false).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that the token is logged in with the configured PIN and a private-object search works. Logs in (one
    /// C_Login) only if not logged in; never while a PIN failure is latched.
    /// </summary>
    public async Task<HsmLoginTestResult> TestLoginAsync(CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            var ctx = await UsableContextAsync(cancellationToken).ConfigureAwait(false);
            bool already = await RunPersistentAsync(ctx, "C_GetSessionInfo", s => s.GetSessionInfo().State is CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS, cancellationToken).ConfigureAwait(false);
            if (!already)
            {
                await LoginAsync(ctx, cancellationToken).ConfigureAwait(false);
            }

            await RunPersistentAsync(ctx, "C_FindObjects", s => s.FindAllObjects([Pkcs11Library.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)]).Count, cancellationToken).ConfigureAwait(false);
            return new HsmLoginTestResult(true, already, sw.Elapsed, null, null);
        }
        catch (HsmException e)
        {
            return new HsmLoginTestResult(false, false, sw.Elapsed, e.Kind, e.Message);
        }
    }
}
