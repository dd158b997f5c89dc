using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace StellaOps.Ops.Hsm;

/// <summary>
/// One loader per PKCS#11 module path (C_Initialize is process-wide per module). Loads the module, and on
/// connection-class errors fully reloads it: C_Finalize, unload, load, C_Initialize. Every step runs under a
/// deadline. Registers (once) the native-library resolver Pkcs11Interop needs on Debian (libdl → libdl.so.2).
/// </summary>
/// <remarks>
/// Several <see cref="HsmConnection"/>s for different tokens of the same module share one loader; a reload by one
/// bumps <see cref="Generation"/> and the others reopen their sessions. A module instance whose calls are still
/// stuck in native code (abandoned after a deadline) is never finalized or unloaded under them; the reload waits
/// for them to return and fails with a Connection error until they do.
/// </remarks>
public sealed class Pkcs11Library
{
    private static readonly ConcurrentDictionary<string, Pkcs11Library> Loaders = new(StringComparer.Ordinal);
    private static readonly object EnvironmentLock = new();
    private static int _resolverRegistered;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<LoadedModule> _retired = [];
    private LoadedModule? _current;
    private long _generation;
    private long _loads;
    private int _users;

    private Pkcs11Library(string modulePath, IReadOnlyDictionary<string, string> nativeEnvironment)
    {
        ModulePath = modulePath;
        NativeEnvironment = nativeEnvironment;
    }

    internal static Pkcs11InteropFactories Factories { get; } = new();

    /// <summary>Absolute path of the module.</summary>
    public string ModulePath { get; }

    /// <summary>Variables set in the native environment right before each load (e.g. P11_KIT_SERVER_ADDRESS).</summary>
    public IReadOnlyDictionary<string, string> NativeEnvironment { get; private set; }

    /// <summary>Increments on each successful load; sessions from an older generation are dead.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Successful loads so far (diagnostics).</summary>
    public long LoadCount => Interlocked.Read(ref _loads);

    public bool IsLoaded => Volatile.Read(ref _current) is not null;

    internal LoadedModule? Current => Volatile.Read(ref _current);

    /// <summary>
    /// The loader for a module path. <paramref name="nativeEnvironment"/> is set with libc setenv before every load.
    /// The same module path with a different environment is refused: one process-wide module instance cannot serve
    /// two p11-kit server addresses (copy the module to a second path for that).
    /// </summary>
    public static Pkcs11Library Get(string modulePath, IReadOnlyDictionary<string, string>? nativeEnvironment = null) =>
        GetCore(modulePath, nativeEnvironment, addUser: false);

    /// <summary>Like <see cref="Get"/>, and counts a user; the last <see cref="ReleaseUserAsync"/> finalizes and unloads the module.</summary>
    internal static Pkcs11Library Acquire(string modulePath, IReadOnlyDictionary<string, string>? nativeEnvironment) =>
        GetCore(modulePath, nativeEnvironment, addUser: true);

    private static Pkcs11Library GetCore(string modulePath, IReadOnlyDictionary<string, string>? nativeEnvironment, bool addUser)
    {
        ArgumentException.ThrowIfNullOrEmpty(modulePath);
        RegisterResolver();
        string full = Path.GetFullPath(modulePath);
        var env = nativeEnvironment is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(nativeEnvironment, StringComparer.Ordinal);
        lock (Loaders)
        {
            var loader = Loaders.GetOrAdd(full, p => new Pkcs11Library(p, env));
            if (!SameEnvironment(loader.NativeEnvironment, env))
            {
                if (loader._users == 0)
                {
                    // Nobody uses the module any more: finalize it so it can be initialised with the new environment.
                    try
                    {
                        loader.UnloadAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
                    }
                    catch (HsmException)
                    {
                    }
                }

                if (loader._users != 0 || loader.IsLoaded || loader._retired.Count > 0)
                {
                    throw new HsmException(HsmErrorKind.Unsupported,
                        $"Module '{full}' is in use with a different native environment ({string.Join(", ", loader.NativeEnvironment.Keys)}). " +
                        "A module is initialised once per process; for a second p11-kit server, load a copy of the client module from another path.");
                }

                loader.NativeEnvironment = env;
            }

            if (addUser)
            {
                loader._users++;
            }

            return loader;
        }
    }

    /// <summary>Drops a user counted by <see cref="Acquire"/>; the last one finalizes and unloads the module.</summary>
    internal async Task ReleaseUserAsync(TimeSpan deadline)
    {
        bool last;
        lock (Loaders)
        {
            last = --_users == 0;
        }

        if (last)
        {
            try
            {
                await UnloadAsync(deadline).ConfigureAwait(false);
            }
            catch (HsmException)
            {
                // Calls still stuck in the module: it stays loaded; a later reload retries.
            }
        }
    }

    private static bool SameEnvironment(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>
    /// Registers the libdl → libdl.so.2 resolver for the Pkcs11Interop assembly. Safe to call many times; if the host
    /// already registered a resolver for that assembly, that one is kept.
    /// </summary>
    public static void RegisterResolver()
    {
        if (Interlocked.Exchange(ref _resolverRegistered, 1) == 1 || OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set for Pkcs11Interop (by the host); keep it.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName is "libdl" or "libdl.so")
        {
            foreach (var candidate in new[] { "libdl.so.2", "libc.so.6" })
            {
                if (NativeLibrary.TryLoad(candidate, out var handle))
                {
                    return handle;
                }
            }
        }

        return IntPtr.Zero;
    }

    /// <summary>Loads and initialises the module if it is not loaded.</summary>
    internal async Task<LoadedModule> EnsureLoadedAsync(TimeSpan deadline, string hsmName, CancellationToken cancellationToken)
    {
        if (Current is { } m)
        {
            return m;
        }

        await EnterGateAsync(deadline, hsmName, cancellationToken).ConfigureAwait(false);
        try
        {
            return _current ?? await LoadLockedAsync(deadline, hsmName, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Full reload: C_Finalize, unload, load, C_Initialize. If another caller already reloaded past
    /// <paramref name="observedGeneration"/>, returns that newer module instead of reloading again.
    /// </summary>
    internal async Task<LoadedModule> ReloadAsync(long observedGeneration, TimeSpan deadline, string hsmName, CancellationToken cancellationToken)
    {
        await EnterGateAsync(deadline, hsmName, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } cur && cur.Generation != observedGeneration)
            {
                return cur;
            }

            if (_current is not null)
            {
                _retired.Add(_current);
                _current.Retire();
                _current = null;
            }

            await UnloadRetiredLockedAsync(deadline, hsmName).ConfigureAwait(false);
            return await LoadLockedAsync(deadline, hsmName, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Finalizes and unloads the module (when no call is stuck in it). Connections on it go down.</summary>
    public async Task UnloadAsync(TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        await EnterGateAsync(deadline, "-", cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is not null)
            {
                _retired.Add(_current);
                _current.Retire();
                _current = null;
            }

            await UnloadRetiredLockedAsync(deadline, "-").ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EnterGateAsync(TimeSpan deadline, string hsmName, CancellationToken cancellationToken)
    {
        // A reload can itself take up to a few deadlines (drain, finalize, load).
        if (!await _gate.WaitAsync(deadline * 4, cancellationToken).ConfigureAwait(false))
        {
            throw new HsmException(HsmErrorKind.Timeout, $"HSM '{hsmName}': module '{ModulePath}' is busy reloading; gave up waiting. {Pkcs11ErrorClassifier.Advice(HsmErrorKind.Timeout)}", null, hsmName);
        }
    }

    private async Task UnloadRetiredLockedAsync(TimeSpan deadline, string hsmName)
    {
        var waitUntil = DateTime.UtcNow + deadline;
        for (int i = _retired.Count - 1; i >= 0; i--)
        {
            var m = _retired[i];
            while (m.InFlight > 0 && DateTime.UtcNow < waitUntil)
            {
                await Task.Delay(10).ConfigureAwait(false);
            }

            if (!m.TryMarkUnloaded())
            {
                continue;
            }

            _retired.RemoveAt(i);
            try
            {
                await NativeCallRunner.RunAsync(() =>
                {
                    try
                    {
                        m.Library.Dispose(); // C_Finalize + dlclose
                    }
                    catch (Pkcs11Exception)
                    {
                        // C_Finalize on a dead connection may fail; the unload still happens.
                    }

                    return true;
                }, deadline, "C_Finalize/unload", hsmName).ConfigureAwait(false);
            }
            catch (HsmException)
            {
                // Finalize hung: abandoned on its worker. The next load gets a fresh instance or fails and is retried.
            }
        }

        if (_retired.Count > 0)
        {
            int stuck = _retired.Sum(r => r.InFlight);
            throw new HsmException(HsmErrorKind.Connection,
                $"HSM '{hsmName}': cannot reload module '{ModulePath}' yet: {stuck} call(s) are still stuck in the previous instance (unresponsive HSM or p11-kit server). The reload is retried. {Pkcs11ErrorClassifier.Advice(HsmErrorKind.Connection)}",
                null, hsmName);
        }
    }

    private async Task<LoadedModule> LoadLockedAsync(TimeSpan deadline, string hsmName, CancellationToken cancellationToken)
    {
        var state = new AbandonFlag();
        LoadedModule loaded;
        try
        {
            loaded = await NativeCallRunner.RunAsync(() =>
            {
                IPkcs11Library lib;
                lock (EnvironmentLock)
                {
                    foreach (var (k, v) in NativeEnvironment)
                    {
                        NativeEnv.Set(k, v);
                    }

                    lib = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, ModulePath, AppType.MultiThreaded);
                }

                var info = lib.GetInfo();
                var module = new LoadedModule(lib, Interlocked.Increment(ref _generation), info);
                if (state.TrySetDone())
                {
                    return module;
                }

                // The waiter gave up: nobody will use this instance.
                module.TryMarkUnloaded();
                try { lib.Dispose(); } catch (Pkcs11Exception) { }
                return module;
            }, deadline, "load/C_Initialize", hsmName, cancellationToken, () => state.TrySetAbandoned()).ConfigureAwait(false);
        }
        catch (Pkcs11Exception e)
        {
            throw Pkcs11ErrorClassifier.FromPkcs11(e, $"loading module '{ModulePath}'", hsmName);
        }
        catch (Exception e) when (e is not HsmException and not OperationCanceledException)
        {
            throw new HsmException(HsmErrorKind.Connection, $"HSM '{hsmName}': could not load PKCS#11 module '{ModulePath}': {e.Message}. Check the module path and its dependencies.", null, hsmName, e);
        }

        Interlocked.Increment(ref _loads);
        _current = loaded;
        return loaded;
    }

    private sealed class AbandonFlag
    {
        private int _state; // 0 pending, 1 done, 2 abandoned
        public bool TrySetDone() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;
        public void TrySetAbandoned() => Interlocked.CompareExchange(ref _state, 2, 0);
    }

    public override string ToString() => $"Pkcs11Library({ModulePath}, generation {Generation})";
}
