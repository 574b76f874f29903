using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using NdisMock.Api.Durability;
using NdisMock.Domain;
using NdisMock.Hubs;

namespace NdisMock.Api.Sandboxes;

/// <summary>One hosted sandbox: the Domain's actor plus its id, the hash of its secret key, and when it was last used.</summary>
internal sealed class SandboxEntry(string id, byte[] keyHash, Sandbox sandbox, DateTimeOffset createdAt, RequestAllowance allowance)
{
    private long _lastUsedTicks = createdAt.UtcTicks;
    private int _waits;

    public string Id { get; } = id;

    /// <summary>Its address, <c>/sandboxes/{id}</c>: the Location of every object a request creates in it, built once.</summary>
    public string Location { get; } = $"/sandboxes/{id}";

    /// <summary>How many more requests it may make this period.</summary>
    public RequestAllowance Allowance { get; } = allowance;

    /// <summary>The logging scope of its requests, built once rather than on every request.</summary>
    public LogScope Scope { get; } = new(id);

    public Sandbox Sandbox { get; } = sandbox;

    private readonly CancellationTokenSource _gone = new();

    /// <summary>Cancelled once the sandbox leaves this process (deleted, expired, unloaded): a read waiting on it stops.</summary>
    public CancellationToken Gone => _gone.Token;

    /// <summary>Why it is gone for good (SandboxDeleted, SandboxExpired); null while it exists, or when it only left this process.</summary>
    public string? Ended { get; private set; }

    internal void MarkGone(string? ended)
    {
        Ended = ended;
        _gone.Cancel();
    }

    /// <summary>Its journal as hub subscriptions read it.</summary>
    public SandboxJournal Journal { get; } = new(sandbox, id);

    /// <summary>The host's timer for the completions the sandbox's MCM makes by itself; none on a virtual clock.</summary>
    public CompletionTimer? Completions { get; set; }

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);

    /// <summary>While its log is replayed: what it does then is not logged again.</summary>
    internal bool Replaying { get; set; }

    /// <summary>In a cluster: the token of the grain activation hosting it here, which alone may write its log.</summary>
    internal string? Owner { get; set; }

    /// <summary>The last use written to durable storage (a read is not logged, so its use is kept now and then).</summary>
    internal DateTimeOffset LastPersistedUse { get; set; }

    /// <summary>Long-polls open on this sandbox now.</summary>
    public int Waits => Volatile.Read(ref _waits);

    /// <summary>Raised with the number of long-polls open after one began or ended (for an operator's view, or a test).</summary>
    public event Action<int>? WaitsChanged;

    /// <summary>Takes one of the sandbox's <paramref name="maximum"/> long-poll slots; false (and nothing taken) when all are in use.</summary>
    public bool TryBeginWait(int maximum)
    {
        var waits = Interlocked.Increment(ref _waits);
        if (waits <= maximum)
        {
            WaitsChanged?.Invoke(waits);
            return true;
        }

        Interlocked.Decrement(ref _waits);
        return false;
    }

    public void EndWait() => WaitsChanged?.Invoke(Interlocked.Decrement(ref _waits));

    /// <summary>Compares in constant time, on hashes so that the key's length leaks nothing either.</summary>
    public bool KeyMatches(string? key) => SandboxStore.HashMatches(key, keyHash);

    /// <summary>The state of a request's logging scope: the sandbox id, as a structured property.</summary>
    internal sealed class LogScope(string id) : IReadOnlyList<KeyValuePair<string, object>>
    {
        private readonly KeyValuePair<string, object> _id = new("SandboxId", id);

        public int Count => 1;

        public KeyValuePair<string, object> this[int index] => index == 0 ? _id : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return _id;
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"SandboxId:{_id.Value}";
    }
}

/// <summary>
/// The sandboxes this process hosts. Lookups are lock-free; each sandbox serialises its own operations, so there
/// is no lock shared between sandboxes on the request path. Sandboxes unused for the time to live are evicted by a
/// timer on the injected clock, and treated as gone the moment they expire.
/// </summary>
internal sealed partial class SandboxStore : ISandboxDirectory, IDisposable
{
    private readonly ConcurrentDictionary<string, SandboxEntry> _sandboxes = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly SandboxHostingOptions _limits;
    private readonly byte[]? _operatorKeyHash;
    private readonly IEventFeeds _feeds;
    private readonly ILogger<SandboxStore> _log;
    private readonly ITimer _eviction;
    private readonly Lock _creating = new();
    private readonly DurableSandboxes? _durable;

    /// <summary>In a cluster: the owner token of each sandbox whose grain this node hosts (claimed when the grain activates).</summary>
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);

    /// <summary>Sandboxes being rebuilt from their logs, so that concurrent requests for one share its rebuild.</summary>
    private readonly ConcurrentDictionary<string, Lazy<Task<SandboxEntry?>>> _loading = new(StringComparer.Ordinal);

    public SandboxStore(TimeProvider time, IOptions<SandboxHostingOptions> limits, IOptions<OperatorOptions> operatorOptions, IEventFeeds feeds, ILogger<SandboxStore> log,
        DurableSandboxes? durable = null)
    {
        _time = time;
        _limits = limits.Value;
        _feeds = feeds;
        _log = log;
        _durable = durable;
        _operatorKeyHash = string.IsNullOrEmpty(operatorOptions.Value.Key) ? null : Hash(operatorOptions.Value.Key);
        _eviction = time.CreateTimer(_ => EvictExpired(), null, _limits.EvictionInterval, _limits.EvictionInterval);
    }

    public int Count => _sandboxes.Count;

    public IEnumerable<SandboxEntry> All => _sandboxes.Values;

    public SandboxHostingOptions Limits => _limits;

    public bool HasOperator => _operatorKeyHash is not null;

    /// <summary>The durable storage, when Storage__Redis is set.</summary>
    public DurableSandboxes? Durable => _durable;

    /// <summary>A new sandbox and its key, or null when the instance already holds its maximum.</summary>
    public (SandboxEntry Entry, string Key)? Create(SandboxOptions options, string? id = null)
    {
        options = options with
        {
            JournalCapacity = _limits.JournalCapacity,
            ViolationCapacity = _limits.ViolationCapacity,
            MaxVcs = _limits.MaxVcsPerSandbox,
            MaxPendingOperations = _limits.MaxPendingOperationsPerSandbox,
            MaxAddressFamilies = _limits.MaxAddressFamiliesPerSandbox,
            MaxSaps = _limits.MaxSapsPerSandbox,
            MaxParties = _limits.MaxPartiesPerSandbox,
            MaxRoutes = _limits.MaxRoutesPerSandbox,
        };
        id ??= NewId();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var keyHash = Hash(key);
        var sandbox = new Sandbox(options, _time);
        var entry = NewEntry(id, keyHash, sandbox, sandbox.CreatedAt);
        lock (_creating)
        {
            if (_sandboxes.Count >= _limits.MaxSandboxes)
            {
                EvictExpired();
                if (_sandboxes.Count >= _limits.MaxSandboxes)
                {
                    entry.Completions?.Dispose();
                    return null;
                }
            }

            _sandboxes[id] = entry;
        }

        _durable?.Created(entry, keyHash, _limits.TimeToLive);
        LogCreated(id, options.Profile.Name, options.Duties, options.Strictness);
        return (entry, key);
    }

    /// <summary>An entry for a sandbox, its timer armed and (when durable) its operations logged from now on.</summary>
    private SandboxEntry NewEntry(string id, byte[] keyHash, Sandbox sandbox, DateTimeOffset createdAt)
    {
        var entry = UnarmedEntry(id, keyHash, sandbox, createdAt);
        Arm(entry);
        return entry;
    }

    /// <summary>An entry without its timer yet: a rebuild arms it once the log is replayed, or it would fire amid the replay.</summary>
    private SandboxEntry UnarmedEntry(string id, byte[] keyHash, Sandbox sandbox, DateTimeOffset createdAt)
    {
        var entry = new SandboxEntry(id, keyHash, sandbox, createdAt, new RequestAllowance(_limits.RateLimitPermits, _limits.RateLimitPeriod, _time))
        {
            Owner = _owners.GetValueOrDefault(id),
        };
        _durable?.Attach(entry, _limits.TimeToLive, Lose);
        return entry;
    }

    private void Arm(SandboxEntry entry) => entry.Completions = CompletionTimer.For(entry.Sandbox, _time, e => LogCompletionFailed(_log, entry.Id, e));

    /// <summary>
    /// The sandbox, from memory or (when durable) rebuilt from its log; null when there is no such sandbox. Throws
    /// <see cref="StorageUnavailableException"/> when the sandbox is not in memory and storage does not answer.
    /// </summary>
    public ValueTask<SandboxEntry?> FindAsync(string id)
    {
        var entry = Find(id);
        return entry is not null || _durable is null || !IsSandboxId(id) ? ValueTask.FromResult(entry) : new(LoadAsync(id));
    }

    /// <summary>Rebuilds every sandbox in storage (at start): the ones whose time to live has passed are forgotten instead.</summary>
    public async Task LoadAllAsync()
    {
        if (_durable is null)
        {
            return;
        }

        foreach (var id in await _durable.Log.IdsAsync())
        {
            try
            {
                await LoadAsync(id);
            }
            catch (StorageUnavailableException e)
            {
                LogLoadFailed(_log, id, e);
            }
        }
    }

    private async Task<SandboxEntry?> LoadAsync(string id)
    {
        var loading = _loading.GetOrAdd(id, i => new Lazy<Task<SandboxEntry?>>(() => RebuildAsync(i)));
        try
        {
            return await loading.Value;
        }
        finally
        {
            _loading.TryRemove(new KeyValuePair<string, Lazy<Task<SandboxEntry?>>>(id, loading));
        }
    }

    private async Task<SandboxEntry?> RebuildAsync(string id)
    {
        var durable = _durable!;
        (IReadOnlyList<LogRecord> Records, DateTimeOffset? LastUsed)? stored;
        try
        {
            stored = await durable.Log.ReadAsync(id);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            throw new StorageUnavailableException(e);
        }

        if (stored is not var (records, lastUsed) || records.Count == 0 || records[0].Kind != LogRecordKind.Created)
        {
            return null;
        }

        if (_sandboxes.TryGetValue(id, out var present))
        {
            return present;
        }

        var entry = await durable.RebuildAsync(records, lastUsed, UnarmedEntry);
        if (IsExpired(entry, _time.GetUtcNow()))
        {
            durable.Removed(id);
            LogRemoved(id, "expired while the instance was down");
            return null;
        }

        lock (_creating)
        {
            if (!_sandboxes.TryAdd(id, entry))
            {
                return _sandboxes.GetValueOrDefault(id);
            }
        }

        // What fell due while the instance was down completes now, logged as the timer's like any other.
        Arm(entry);
        return entry;
    }

    /// <summary>
    /// Drops a sandbox whose last operation could not be written: it is ahead of its log now, so it is rebuilt from the
    /// log (every answered operation) on its next request. Its subscribers are told to resubscribe.
    /// </summary>
    public void Lose(SandboxEntry entry)
    {
        if (_sandboxes.TryRemove(new KeyValuePair<string, SandboxEntry>(entry.Id, entry)))
        {
            Release(entry);
            _feeds.SandboxRemoved(entry.Id, "StorageUnavailable");
            LogRemoved(entry.Id, "unwritten to storage, rebuilt from its log on its next request");
        }
    }

    /// <summary>A new sandbox id: sbx- and 64 random bits in hex.</summary>
    public static string NewId() => "sbx-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Whether the text is shaped like a sandbox id, so nothing else is looked up in storage or sent to a grain.</summary>
    public static bool IsSandboxId(string id) =>
        id.Length == 20 && id.StartsWith("sbx-", StringComparison.Ordinal) && id.AsSpan(4).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>
    /// Lets go of a sandbox this node no longer hosts (its grain moved or was deactivated), keeping it in storage: the
    /// node that hosts it next rebuilds it from there.
    /// </summary>
    public void Unload(string id)
    {
        _owners.TryRemove(id, out _);
        if (_sandboxes.TryRemove(id, out var entry))
        {
            Release(entry);
            LogRemoved(id, "unloaded: hosted by its grain elsewhere from now on");
        }
    }

    /// <summary>
    /// Makes this node the only writer of the sandbox's log (its grain has just been activated here); a node that hosted
    /// it before and still runs (paused past its death declaration) can no longer append to it.
    /// </summary>
    public async Task ClaimAsync(string id)
    {
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        await _durable!.Log.ClaimAsync(id, owner, _limits.TimeToLive);
        _owners[id] = owner;
    }

    /// <summary>
    /// Stops what a sandbox leaving this process keeps running: its timer, its log, waiting reads. With
    /// <paramref name="ended"/> (SandboxDeleted, SandboxExpired) it is gone for good; without, only from this process.
    /// </summary>
    private static void Release(SandboxEntry entry, string? ended = null)
    {
        entry.Completions?.Dispose();
        entry.Sandbox.Changed = null;
        entry.MarkGone(ended);
    }

    /// <summary>The sandbox, unless it does not exist or has expired (then it is evicted on the spot).</summary>
    public SandboxEntry? Find(string id)
    {
        if (!_sandboxes.TryGetValue(id, out var entry))
        {
            return null;
        }

        if (IsExpired(entry, _time.GetUtcNow()))
        {
            Evict(entry, "expired");
            return null;
        }

        return entry;
    }

    public bool Remove(string id)
    {
        if (!_sandboxes.TryRemove(id, out var removed))
        {
            return false;
        }

        Release(removed, "SandboxDeleted");
        _durable?.Removed(id);
        _feeds.SandboxRemoved(id, "SandboxDeleted");
        LogRemoved(id, "deleted");
        return true;
    }

    public bool OperatorKeyMatches(string? key) => _operatorKeyHash is not null && HashMatches(key, _operatorKeyHash);

    public async ValueTask<HubOpening> OpenAsync(string sandboxId, string? sandboxKey)
    {
        // The refusals never repeat what was sent: a key passed as the id must not come back in a message anyone logs.
        SandboxEntry? entry;
        try
        {
            entry = sandboxId is null ? null : await FindAsync(sandboxId);
        }
        catch (StorageUnavailableException)
        {
            return HubOpening.Refused(StorageUnavailableRefusal());
        }

        if (Admit(entry, sandboxKey) is { } refusal)
        {
            return HubOpening.Refused(refusal);
        }

        var sandbox = entry!.Sandbox;
        return new HubOpening(entry.Journal, sandbox.OldestEventKept, sandbox.LastSequence, null);
    }

    /// <summary>A hub subscriber's refusal for an id that names no sandbox (the id is not repeated: it may be a key).</summary>
    public static HubException UnknownSandboxRefusal() =>
        HubRefusal.Create("UnknownSandbox", "There is no sandbox by that id (never created, deleted, or expired): pass the sandbox id first, then its key.");

    /// <summary>A hub subscriber's refusal while the sandbox's storage does not answer.</summary>
    public static HubException StorageUnavailableRefusal() =>
        HubRefusal.Create("StorageUnavailable", "The sandbox's storage (Redis) does not answer now; subscribe again later.");

    /// <summary>Checks a subscriber's key and spends one request of the sandbox's allowance; the refusal, or null when admitted.</summary>
    public HubException? Admit(SandboxEntry? entry, string? sandboxKey)
    {
        if (entry is null)
        {
            return UnknownSandboxRefusal();
        }

        if (string.IsNullOrEmpty(sandboxKey))
        {
            return HubRefusal.Create("KeyRequired", "The sandbox key is required.");
        }

        if (!entry.KeyMatches(sandboxKey))
        {
            return HubRefusal.Create("WrongKey", $"That is not the key of sandbox {entry.Id}.");
        }

        if (!entry.Allowance.TryTake(out var retryAfter))
        {
            return HubRefusal.Create("AllowanceSpent",
                $"This sandbox has used its allowance of requests (Sandboxes__RateLimitPermits per Sandboxes__RateLimitPeriod); hub calls spend it too. Retry after {Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds))} s.");
        }

        Touch(entry);
        return null;
    }

    public bool IsHosted(string sandboxId, IJournalSource journal) =>
        _sandboxes.TryGetValue(sandboxId, out var entry) && ReferenceEquals(entry.Journal, journal);

    public void Touch(SandboxEntry entry)
    {
        var now = _time.GetUtcNow();
        entry.Touch(now);
        _durable?.Touched(entry, now, _limits.TimeToLive);
    }

    public void Dispose() => _eviction.Dispose();

    internal static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// Whether <paramref name="key"/> hashes to <paramref name="hash"/>, compared in constant time. Hashed on the stack:
    /// a key check runs on every request (Kestrel bounds a header well below the heap fallback).
    /// </summary>
    internal static bool HashMatches(string? key, byte[] hash)
    {
        if (key is null)
        {
            return false;
        }

        var most = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = most <= 1024 ? stackalloc byte[most] : new byte[most];
        Span<byte> computed = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], computed);
        return CryptographicOperations.FixedTimeEquals(computed, hash);
    }

    private bool IsExpired(SandboxEntry entry, DateTimeOffset now) => now - entry.LastUsed >= _limits.TimeToLive;

    private void EvictExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var entry in _sandboxes.Values.Where(e => IsExpired(e, now)))
        {
            Evict(entry, "expired");
        }
    }

    private void Evict(SandboxEntry entry, string reason)
    {
        if (_sandboxes.TryRemove(new KeyValuePair<string, SandboxEntry>(entry.Id, entry)))
        {
            Release(entry, "SandboxExpired");
            _durable?.Removed(entry.Id);
            _feeds.SandboxRemoved(entry.Id, "SandboxExpired");
            LogRemoved(entry.Id, reason);
        }
    }

    [LoggerMessage(LogLevel.Information, "Sandbox {SandboxId} created: profile {Profile}, duties {Duties}, strictness {Strictness}")]
    private partial void LogCreated(string sandboxId, string profile, McmDuties duties, Strictness strictness);

    [LoggerMessage(LogLevel.Error, "Sandbox {SandboxId}: a completion the MCM makes by itself failed and was rolled back; the request stays pending for CompletePendingOperation")]
    private static partial void LogCompletionFailed(ILogger logger, string sandboxId, Exception exception);

    [LoggerMessage(LogLevel.Error, "Sandbox {SandboxId} could not be read from storage at start; it is read again on its next request")]
    private static partial void LogLoadFailed(ILogger logger, string sandboxId, Exception exception);

    [LoggerMessage(LogLevel.Information, "Sandbox {SandboxId} removed: {Reason}")]
    private partial void LogRemoved(string sandboxId, string reason);
}

/// <summary>Durable storage did not answer, so whether a sandbox exists cannot be told: a 503, never a 404.</summary>
internal sealed class StorageUnavailableException(Exception inner) : Exception("Durable storage (Redis) did not answer.", inner);
