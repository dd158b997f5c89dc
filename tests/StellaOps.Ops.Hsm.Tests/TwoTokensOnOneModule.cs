using StellaOps.Ops.TestSupport;

namespace StellaOps.Ops.Hsm.Tests;

/// <summary>
/// Two SoftHSM2 tokens in this process's one libsofthsm2.so, each with its own connected <see cref="HsmConnection"/>
/// ("a" and "b"): they share one module loader, so a reload by one retires the instance the other's sessions are on.
/// </summary>
internal sealed class TwoTokensOnOneModule : IAsyncDisposable
{
    private readonly SoftHsmToken _tokenA = TestEnvironment.DirectToken();
    private readonly SoftHsmToken _tokenB = TestEnvironment.DirectToken();

    private TwoTokensOnOneModule()
    {
        A = new HsmConnection(TestEnvironment.Direct(_tokenA, "a"));
        B = new HsmConnection(TestEnvironment.Direct(_tokenB, "b"));
    }

    public HsmConnection A { get; }
    public HsmConnection B { get; }

    public static async Task<TwoTokensOnOneModule> ConnectAsync()
    {
        var pair = new TwoTokensOnOneModule();
        await pair.A.ConnectAsync();
        await pair.B.ConnectAsync();
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        _tokenB.Dispose();
        _tokenA.Dispose();
    }
}
