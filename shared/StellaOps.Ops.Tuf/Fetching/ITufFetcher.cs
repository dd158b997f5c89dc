namespace StellaOps.Ops.Tuf;

/// <summary>
/// How the updater reads the repository. Returns the body, at most <paramref name="maxLength"/> bytes (more is
/// refused with <c>TufLengthExceeded</c> as soon as it arrives), or null when the repository has no such file
/// (HTTP 404 or 403, a missing file). Any other failure is an <c>OpsException</c> (<c>TufFetchFailed</c>, <c>TufTimeout</c>).
/// </summary>
public interface ITufFetcher
{
    Task<byte[]?> FetchAsync(string url, long maxLength, CancellationToken cancellationToken);
}
