namespace StellaOps.Ops.Hsm;

/// <summary>A PIN file change that did not happen; the message says what is where and <see cref="Fix"/> what to do.</summary>
public sealed class HsmPinFileException(HsmPinFileProblem problem, string message, string path, string? fix = null, Exception? inner = null)
    : IOException(message, inner)
{
    public HsmPinFileProblem Problem { get; } = problem;
    public string Path { get; } = path;
    public string? Fix { get; } = fix;
}
