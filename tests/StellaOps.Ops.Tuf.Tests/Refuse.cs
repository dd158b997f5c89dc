using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Tuf.Tests;

internal static class Refuse
{
    /// <summary>Runs <paramref name="action"/>, asserts it fails with <paramref name="code"/>, returns the error.</summary>
    public static async Task<OpsException> WithAsync(OpsErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<OpsException>(action);
        Assert.True(code == e.Code, $"expected {code}, got {e.Code}: {e.Message}");
        Assert.False(string.IsNullOrEmpty(e.RecommendedAction));
        return e;
    }
}
