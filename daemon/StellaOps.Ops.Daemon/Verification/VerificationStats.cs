namespace StellaOps.Ops.Daemon.Verification;

/// <summary>
/// Verifications and failures per minute over the last hour, for the doctor's failure rate. In memory: a restart
/// starts the hour afresh (the counters since start are the metrics).
/// </summary>
public sealed class VerificationStats(TimeProvider time)
{
    private const int Minutes = 60;
    private readonly long[] _minute = new long[Minutes];
    private readonly long[] _total = new long[Minutes];
    private readonly long[] _failed = new long[Minutes];
    private readonly Lock _gate = new();

    public void Record(int total, int failed)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_gate)
        {
            var i = (int)(now % Minutes);
            if (_minute[i] != now)
            {
                _minute[i] = now;
                _total[i] = 0;
                _failed[i] = 0;
            }
            _total[i] += total;
            _failed[i] += failed;
        }
    }

    /// <summary>Verifications and failures in the last 60 minutes.</summary>
    public (long Total, long Failed) LastHour()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_gate)
        {
            long total = 0, failed = 0;
            for (var i = 0; i < Minutes; i++)
            {
                if (now - _minute[i] >= Minutes) continue;
                total += _total[i];
                failed += _failed[i];
            }
            return (total, failed);
        }
    }
}
