namespace StellaOps.Ops.Daemon.TrustSync;

/// <summary>The TUF repository the daemon follows (<c>tuf/repository.json</c> in the state directory), set by <c>stella trust init</c>.</summary>
public sealed record TrustRepository(string TufUrl, string TargetsUrl)
{
    /// <summary>The Sigstore layout: targets below the metadata URL.</summary>
    public static string DefaultTargetsUrl(string tufUrl) => (tufUrl.EndsWith('/') ? tufUrl : tufUrl + "/") + "targets/";
}
