namespace StellaOps.Ops.Contracts.Rpc;

public sealed record DoctorResult
{
    public string Check { get; init; } = "";
    public DoctorStatus Status { get; init; }
    public string Message { get; init; } = "";
    /// <summary>What to do when the status is not Pass.</summary>
    public string? Remediation { get; init; }
    /// <summary>The facts the verdict rests on, for a compliance check to assert on.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();
    public TimeSpan Duration { get; init; }
}
