using System.Text.Json;
using StackExchange.Redis;

namespace NdisMock.Api.Durability;

/// <summary>
/// Each sandbox's log in Redis: a list per sandbox (<c>{prefix}:sandbox:{id}:log</c>, one JSON entry per operation), a
/// set of the ids (<c>{prefix}:sandboxes</c>) and the time it was last used. Appends are issued in the order the sandbox
/// ran its operations (under its lock) on the one multiplexed connection, which Redis executes in that order; each
/// answer waits for its own append, and Redis confirms them in order, so no answered operation is ever missing from the
/// log while a later one is there.
/// </summary>
internal sealed class SandboxLog : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _redis;
    private readonly string _prefix;

    public SandboxLog(StorageOptions options)
    {
        _prefix = options.KeyPrefix;
        var configuration = ConfigurationOptions.Parse(options.Redis!);

        // Started without Redis (or with Redis restarting), the node keeps trying instead of failing to start.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)options.WriteTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.WriteTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.WriteTimeout.TotalMilliseconds;
        configuration.ClientName = "ndismock";

        // While Redis is unreachable a write fails at once instead of waiting in a backlog to be sent later: an
        // operation answered 503 is then never applied behind the caller's back once Redis is back.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;


        // Redis's replies complete on the .NET thread pool rather than on StackExchange.Redis's own dedicated threads:
        // on two cores those threads competed with the request path (a durable create-VC cost about 3x the CPU of an
        // in-memory one; with the thread pool, wrk measured 0.60-0.65x the in-memory rate instead of 0.45x).
        configuration.SocketManager = SocketManager.ThreadPool;
        _redis = new(() => ConnectionMultiplexer.Connect(configuration));
    }

    private IDatabase Db => _redis.Value.GetDatabase();

    private RedisKey Ids => _prefix + ":sandboxes";

    private RedisKey LogOf(string id) => $"{_prefix}:sandbox:{id}:log";

    private RedisKey UsedOf(string id) => $"{_prefix}:sandbox:{id}:used";

    private RedisKey OwnerOf(string id) => $"{_prefix}:sandbox:{id}:owner";

    /// <summary>Appends only while the owner token is still the sandbox's: a node that lost the sandbox cannot write to its log.</summary>
    private const string FencedAppend = """
        if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
        redis.call('RPUSH', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return 1
        """;

    /// <summary>
    /// Appends one entry and keeps the sandbox's keys alive for its time to live. Call in the sandbox's order. With
    /// <paramref name="owner"/> (in a cluster: the token of the grain activation that hosts the sandbox), the append is
    /// refused with <see cref="SandboxMovedException"/> once another activation has claimed the sandbox.
    /// </summary>
    public Task AppendAsync(string id, LogRecord record, TimeSpan timeToLive, string? owner = null)
    {
        var db = Db;
        var key = LogOf(id);
        var json = JsonSerializer.SerializeToUtf8Bytes(record, LogJson.Default.LogRecord);
        Task appended;
        if (owner is null)
        {
            // The key's expiry is renewed with the sandbox's last use (TouchAsync), not on every append.
            appended = db.ListRightPushAsync(key, json);
        }
        else
        {
            appended = Fenced(db.ScriptEvaluateAsync(FencedAppend, [key, OwnerOf(id)], [json, owner, (long)Expiry(timeToLive).TotalMilliseconds]), id);
        }

        if (record.Kind == LogRecordKind.Created)
        {
            _ = db.KeyExpireAsync(key, Expiry(timeToLive), CommandFlags.FireAndForget);
            var listed = db.SetAddAsync(Ids, id);
            return Task.WhenAll(appended, listed);
        }

        return appended;
    }

    /// <summary>Makes <paramref name="owner"/> the only writer of the sandbox's log from now on (a grain activation, when it begins).</summary>
    public Task ClaimAsync(string id, string owner, TimeSpan timeToLive) => Db.StringSetAsync(OwnerOf(id), owner, Expiry(timeToLive));

    private static async Task Fenced(Task<RedisResult> append, string id)
    {
        if ((long)await append == 0)
        {
            throw new SandboxMovedException(id);
        }
    }

    /// <summary>Remembers when the sandbox was last used (a read does not append), so its time to live survives a restart.</summary>
    public Task TouchAsync(string id, DateTimeOffset at, TimeSpan timeToLive)
    {
        var db = Db;
        var expiry = Expiry(timeToLive);
        _ = db.KeyExpireAsync(LogOf(id), expiry, CommandFlags.FireAndForget);
        _ = db.KeyExpireAsync(OwnerOf(id), expiry, CommandFlags.FireAndForget);
        return db.StringSetAsync(UsedOf(id), at.UtcTicks, expiry);
    }

    public async Task<IReadOnlyList<string>> IdsAsync() => [.. (await Db.SetMembersAsync(Ids)).Select(v => v.ToString())];

    /// <summary>The sandbox's log and when it was last used, or null when there is no such sandbox (never created, deleted, expired).</summary>
    public async Task<(IReadOnlyList<LogRecord> Records, DateTimeOffset? LastUsed)?> ReadAsync(string id)
    {
        var db = Db;
        var entries = db.ListRangeAsync(LogOf(id));
        var used = db.StringGetAsync(UsedOf(id));
        var values = await entries;
        if (values.Length == 0)
        {
            // Expired in Redis (or never there): forget the id too.
            _ = db.SetRemoveAsync(Ids, id, CommandFlags.FireAndForget);
            return null;
        }

        var records = values.Select(v => JsonSerializer.Deserialize((byte[])v!, LogJson.Default.LogRecord)!).ToList();
        var usedValue = await used;
        return (records, usedValue.TryParse(out long ticks) ? new DateTimeOffset(ticks, TimeSpan.Zero) : null);
    }

    public Task DeleteAsync(string id)
    {
        var db = Db;
        var transaction = db.CreateTransaction();
        _ = transaction.KeyDeleteAsync([LogOf(id), UsedOf(id), OwnerOf(id)]);
        _ = transaction.SetRemoveAsync(Ids, id);
        return transaction.ExecuteAsync();
    }

    /// <summary>How long Redis takes to answer a PING; throws when it does not.</summary>
    public Task<TimeSpan> PingAsync() => Db.PingAsync();

    public void Dispose()
    {
        if (_redis.IsValueCreated)
        {
            _redis.Value.Dispose();
        }
    }

    /// <summary>Redis forgets a sandbox a while after its time to live, so one nobody deletes does not stay forever.</summary>
    private static TimeSpan Expiry(TimeSpan timeToLive) => timeToLive + TimeSpan.FromMinutes(5);
}

/// <summary>Another node's activation hosts the sandbox now: this node's copy is stale and may not write its log.</summary>
internal sealed class SandboxMovedException(string id) : Exception($"Sandbox {id} is hosted by another activation now; this node's copy may not write its log.");
