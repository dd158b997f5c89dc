using Net.Pkcs11Interop.HighLevelAPI;

namespace StellaOps.Ops.Hsm;

/// <summary>One loaded+initialised instance of a module; tracks calls in flight so it is never unloaded under them.</summary>
internal sealed class LoadedModule
{
    private readonly object _lock = new();
    private int _inFlight;
    private bool _unloaded;
    private volatile bool _retired;

    public LoadedModule(IPkcs11Library library, long generation, ILibraryInfo info)
    {
        Library = library;
        Generation = generation;
        Manufacturer = info.ManufacturerId.Trim();
        Description = info.LibraryDescription.Trim();
        CryptokiVersion = info.CryptokiVersion;
        LibraryVersion = info.LibraryVersion;
    }

    public IPkcs11Library Library { get; }
    public long Generation { get; }
    public string Manufacturer { get; }
    public string Description { get; }
    public string CryptokiVersion { get; }
    public string LibraryVersion { get; }
    public bool Retired => _retired;
    public int InFlight { get { lock (_lock) { return _inFlight; } } }

    public void Retire() => _retired = true;

    /// <summary>Call on the worker thread before touching the module.</summary>
    public void Enter(string hsmName)
    {
        lock (_lock)
        {
            if (_unloaded || _retired)
            {
                throw new HsmException(HsmErrorKind.Connection, $"HSM '{hsmName}': the module instance was reloaded; the operation is retried on the new one.", "CKR_CRYPTOKI_NOT_INITIALIZED", hsmName);
            }

            _inFlight++;
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            _inFlight--;
        }
    }

    public bool TryMarkUnloaded()
    {
        lock (_lock)
        {
            if (_inFlight > 0)
            {
                return false;
            }

            _unloaded = true;
            return true;
        }
    }
}
