namespace NdisMock.Api.Sandboxes;

/// <summary>
/// A sandbox's token bucket: <c>permits</c> requests, refilled whole at the end of each <c>period</c> on the injected
/// clock (so a test can move it). It lives with its sandbox: no shared partition table, no timer, nothing left behind
/// when the sandbox goes.
/// </summary>
internal sealed class RequestAllowance(int permits, TimeSpan period, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly long _periodTicks = Math.Max(1, period.Ticks);
    private readonly int _permits = permits;
    private long _periodStart = time.GetUtcNow().UtcTicks;
    private int _left = permits;

    /// <summary>Takes one request from the allowance; when it is spent, says how long until the next refill.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            if (now - _periodStart >= _periodTicks)
            {
                _periodStart += (now - _periodStart) / _periodTicks * _periodTicks;
                _left = _permits;
            }

            if (_left > 0)
            {
                _left--;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromTicks(_periodStart + _periodTicks - now);
            return false;
        }
    }
}
