namespace StellaOps.Ops.Transparency.Clients;

/// <summary>
/// One transparency log backend, Rekor v1 or v2, behind one interface. A submission returns the entry as the log
/// answered it, NOT yet verified: the caller verifies it (<see cref="Verification.LogEntryVerifier"/>) against the
/// trusted root before relying on it. Failures throw <see cref="TransparencyLogException"/>.
/// </summary>
public interface ITransparencyLogClient
{
    Uri BaseUrl { get; }

    int MajorApiVersion { get; }

    Task<LogSubmission> SubmitAsync(LogSubmissionRequest request, CancellationToken cancellationToken);
}
