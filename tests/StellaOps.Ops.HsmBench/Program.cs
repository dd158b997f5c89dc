using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;
using StellaOps.Ops.Hsm;

// hsm-bench <module> <token-label> <pin> <cka-id-hex> <threads> <seconds>
// Direct ECDSA signing with a token key: each thread its own logged-in session, C_Sign(CKM_ECDSA) over precomputed
// SHA-256 digests (what the daemon's digest path asks of the token), for a fixed time. Prints one JSON line
// (threads, signatures, seconds, perSecond, cpuSeconds).
// SOFTHSM2_CONF must be in the environment (SoftHSM reads it at C_Initialize).
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: hsm-bench <module> <token-label> <pin> <cka-id-hex> <threads> <seconds>");
    return 2;
}
var (module, label, pin, id) = (args[0], args[1], args[2], Convert.FromHexString(args[3]));
int threads = int.Parse(args[4]);
var duration = TimeSpan.FromSeconds(double.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture));

Pkcs11Library.RegisterResolver();
var factories = new Pkcs11InteropFactories();
using var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, module, AppType.MultiThreaded);
var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.Trim() == label);
using var login = slot.OpenSession(SessionType.ReadWrite);
login.Login(CKU.CKU_USER, pin); // the login belongs to the token: every session of this application is logged in

var digests = Enumerable.Range(0, 1024).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToArray();
var counts = new long[threads];
using var start = new Barrier(threads + 1);
var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
{
    using var session = slot.OpenSession(SessionType.ReadWrite);
    var key = session.FindAllObjects([
        factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
        factories.ObjectAttributeFactory.Create(CKA.CKA_ID, id)]).Single();
    var mechanism = factories.MechanismFactory.Create(CKM.CKM_ECDSA);
    session.Sign(mechanism, key, digests[0]); // warm
    start.SignalAndWait();
    var sw = Stopwatch.StartNew();
    long n = 0;
    while (sw.Elapsed < duration)
    {
        session.Sign(mechanism, key, digests[n % digests.Length]);
        n++;
    }
    counts[t] = n;
})).ToList();
workers.ForEach(w => w.Start());
start.SignalAndWait();
var wall = Stopwatch.StartNew();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
workers.ForEach(w => w.Join());
var elapsed = wall.Elapsed.TotalSeconds;
// CPU of the whole process while signing (SoftHSM2 runs in it): the cost per signature that the daemon path adds to.
var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
login.Logout();
Console.WriteLine(JsonSerializer.Serialize(new { threads, signatures = counts.Sum(), seconds = elapsed, perSecond = counts.Sum() / elapsed, cpuSeconds }));
return 0;
