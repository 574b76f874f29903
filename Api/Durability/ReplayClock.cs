namespace NdisMock.Api.Durability;

/// <summary>
/// A durable sandbox's clock: the host's, except while its log is replayed, when it shows each entry's time. Only the
/// rebuild touches a sandbox before it is published, so showing needs no lock.
/// </summary>
internal sealed class ReplayClock(TimeProvider host) : TimeProvider
{
    private DateTimeOffset? _shown;

    public void Show(DateTimeOffset at) => _shown = at;

    public void Release() => _shown = null;

    public override DateTimeOffset GetUtcNow() => _shown ?? host.GetUtcNow();

    public override long GetTimestamp() => host.GetTimestamp();

    public override long TimestampFrequency => host.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => host.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        host.CreateTimer(callback, state, dueTime, period);
}
