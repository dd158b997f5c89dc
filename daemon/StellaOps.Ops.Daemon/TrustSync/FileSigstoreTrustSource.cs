using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StellaOps.Ops.Attestation.Sigstore;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Unix;

namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>
/// Sigstore trust material from files an administrator names (<see cref="TrustSyncOptions.TrustedRootFile"/>,
/// <see cref="TrustSyncOptions.SigningConfigFile"/>): for a network with no TUF repository, and for tests. Each file
/// must pass <see cref="PathTrust"/> before it is read (a file another user could swap would let them choose which
/// logs and CAs the daemon trusts) and must parse. Read at start and on <c>stella attest reload</c>; a reload that
/// fails keeps what was loaded before and says why in <see cref="Problem"/> (status and doctor show it).
/// </summary>
public sealed class FileSigstoreTrustSource : ISigstoreTrustSource
{
    private readonly TrustSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FileSigstoreTrustSource> _log;
    private readonly Lock _gate = new();
    private SigstoreTrust _current = SigstoreTrust.NotConfigured;

    public FileSigstoreTrustSource(IOptions<TrustSyncOptions> options, TimeProvider time, ILogger<FileSigstoreTrustSource> log)
    {
        _options = options.Value;
        _time = time;
        _log = log;
        Reload();
    }

    public SigstoreTrust Current => Volatile.Read(ref _current);

    public event EventHandler? Changed;

    /// <summary>Why the last read failed (the path, the reason and the fix), or null when it succeeded.</summary>
    public OpsException? Problem { get; private set; }

    /// <summary>Reads both files again; true when the material in effect changed.</summary>
    public bool Reload()
    {
        if (!_options.UsesFiles) return false;
        lock (_gate)
        {
            try
            {
                var root = Parse(_options.TrustedRootFile!, "trusted root", SigstoreTrustedRootParser.Parse);
                var config = string.IsNullOrWhiteSpace(_options.SigningConfigFile) ? null
                    : Parse(_options.SigningConfigFile, "signing config", SigstoreSigningConfigParser.Parse);
                var origin = "file " + Path.GetFullPath(_options.TrustedRootFile!)
                    + (config is null ? "" : " and " + Path.GetFullPath(_options.SigningConfigFile!));
                Problem = null;
                Volatile.Write(ref _current, new SigstoreTrust(root, config, origin, _time.GetUtcNow()));
            }
            catch (OpsException e)
            {
                Problem = e;
                _log.LogError("The Sigstore trust files were not loaded: {Message} {Fix}", e.Message, e.RecommendedAction);
                return false;
            }
        }
        Changed?.Invoke(this, EventArgs.Empty);
        return true;
    }

    private static T Parse<T>(string path, string what, SigstoreDocument.Parser<T> parse)
    {
        var full = Path.GetFullPath(path);
        return SigstoreDocument.Parse(Read(path, what), parse, $"The Sigstore {what} {full} is not valid", full,
            "Replace it with the file your Sigstore deployment publishes.");
    }

    private static byte[] Read(string path, string what)
    {
        var full = Path.GetFullPath(path);
        if (!OperatingSystem.IsWindows())
        {
            var problem = PathTrust.ForThisProcess().CheckFile(full);
            if (problem is not null) throw problem.ToException($"the daemon does not read its Sigstore {what} from it");
        }
        byte[] bytes;
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > SigstoreTrustedRootParser.MaxDocumentBytes)
                throw new OpsException(OpsErrorCode.TrustMaterialInvalid, $"The Sigstore {what} {full} is {stream.Length} bytes; at most {SigstoreTrustedRootParser.MaxDocumentBytes} are read.", full);
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OpsException(OpsErrorCode.NotFound, $"The Sigstore {what} {full} does not exist.", full,
                $"Create it, or correct Trust:{(what == "trusted root" ? "TrustedRootFile" : "SigningConfigFile")} in opsd.json.");
        }
        catch (UnauthorizedAccessException)
        {
            throw new OpsException(OpsErrorCode.PermissionDenied, $"The daemon may not read the Sigstore {what} {full}.", full, "Make it readable by the daemon's user.");
        }
        return bytes;
    }
}
