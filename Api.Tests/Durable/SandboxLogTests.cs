using NdisMock.Api.Durability;
using NdisMock.Api.Tests.RealProcesses;

namespace NdisMock.Api.Tests.Durable;

/// <summary>
/// The log's fence, on a real redis-server: once a grain activation has claimed a sandbox, a node that hosted it before
/// (paused past its death declaration, say, and running on) can no longer append, so its stale copy never writes
/// operations the new host did not make.
/// </summary>
public sealed class SandboxLogTests : IAsyncLifetime
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private RedisServer _redis = null!;
    private SandboxLog _log = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(appendOnly: false);
        _log = new SandboxLog(new StorageOptions { Redis = _redis.ConnectionString });
    }

    public async Task DisposeAsync()
    {
        _log.Dispose();
        await _redis.DisposeAsync();
    }

    private static LogRecord Due(int minute) => new() { Kind = LogRecordKind.Due, At = new DateTimeOffset(2026, 12, 1, 0, minute, 0, TimeSpan.Zero) };

    [Fact]
    public async Task AnAppendOfAFormerOwner_IsRefused_AndTheNewOwnersAppendsGoOn()
    {
        const string id = "sbx-00000000000000aa";
        await _log.ClaimAsync(id, "first", Hour);
        await _log.AppendAsync(id, Due(1), Hour, owner: "first");

        await _log.ClaimAsync(id, "second", Hour);
        await Assert.ThrowsAsync<SandboxMovedException>(() => _log.AppendAsync(id, Due(2), Hour, owner: "first"));
        await _log.AppendAsync(id, Due(3), Hour, owner: "second");

        var stored = await _log.ReadAsync(id);
        Assert.Equal([1, 3], stored!.Value.Records.Select(r => r.At.Minute));
    }

    [Fact]
    public async Task WithoutAClaim_AFencedAppendIsRefused_AndAnUnfencedOneIsNot()
    {
        const string id = "sbx-00000000000000bb";
        await Assert.ThrowsAsync<SandboxMovedException>(() => _log.AppendAsync(id, Due(1), Hour, owner: "nobody-claimed"));
        await _log.AppendAsync(id, Due(2), Hour);

        Assert.Equal([2], (await _log.ReadAsync(id))!.Value.Records.Select(r => r.At.Minute));
    }
}
