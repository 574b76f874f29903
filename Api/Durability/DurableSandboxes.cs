using System.Text;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;

namespace NdisMock.Api.Durability;

/// <summary>
/// Makes every accepted operation durable before its answer: the request that reached a sandbox is appended to the
/// sandbox's log from <see cref="Sandbox.Changed"/> (under the sandbox's lock, so in the order the sandbox ran them), and
/// the answer, held back meanwhile, is sent once Redis has it. The host timer's self-completions are logged the same
/// way. A write that fails (Redis unreachable past the timeout) drops the sandbox from memory, since it is now ahead of
/// its log, and answers 503; the next request rebuilds it from the log, which holds every operation that was answered.
/// </summary>
internal sealed partial class DurableSandboxes(SandboxLog log, RequestReplayer replayer, TimeProvider time, ILogger<DurableSandboxes> logger)
{
    private static readonly AsyncLocal<DurableRequest?> CurrentRequest = new();

    public SandboxLog Log => log;

    /// <summary>The request being answered on this flow, whose writes its answer waits for.</summary>
    private sealed class DurableRequest(SandboxEntry? entry, LogRecord record)
    {
        public SandboxEntry? Entry { get; set; } = entry;

        public LogRecord Record { get; } = record;

        public bool Logged { get; set; }

        /// <summary>Set once the endpoint has returned: a timer armed during the request still sees it, and must not use it.</summary>
        public bool Finished { get; set; }

        public List<Task> Writes { get; } = [];
    }

    /// <summary>Logs the sandbox's operations from now on; <paramref name="lost"/> hears of a write of its own (a timer's) that failed.</summary>
    public void Attach(SandboxEntry entry, TimeSpan timeToLive, Action<SandboxEntry> lost) =>
        entry.Sandbox.Changed = () => OnChanged(entry, timeToLive, lost);

    /// <summary>Writes a new sandbox's first entry; the request that created it waits for it.</summary>
    public void Created(SandboxEntry entry, byte[] keyHash, TimeSpan timeToLive)
    {
        var record = new LogRecord { Kind = LogRecordKind.Created, At = entry.CreatedAt, Creation = SandboxCreation.Of(entry.Id, keyHash, entry.Sandbox) };
        var write = log.AppendAsync(entry.Id, record, timeToLive, entry.Owner);
        if (CurrentRequest.Value is { Finished: false } request)
        {
            request.Entry = entry;
            request.Logged = true;
            request.Writes.Add(write);
        }
        else
        {
            Observe(write, entry.Id, "creation");
        }
    }

    /// <summary>Forgets a deleted or expired sandbox in Redis; a request deleting it waits for that.</summary>
    public void Removed(string id)
    {
        var write = log.DeleteAsync(id);
        if (CurrentRequest.Value is { Finished: false } request)
        {
            request.Writes.Add(write);
        }
        else
        {
            Observe(write, id, "removal");
        }
    }

    /// <summary>Keeps the time it was last used, at most every twentieth of its time to live, so a restart does not expire a sandbox in use.</summary>
    public void Touched(SandboxEntry entry, DateTimeOffset now, TimeSpan timeToLive)
    {
        if (now - entry.LastPersistedUse >= timeToLive / 20)
        {
            entry.LastPersistedUse = now;
            Observe(log.TouchAsync(entry.Id, now, timeToLive), entry.Id, "last use");
        }
    }

    private void OnChanged(SandboxEntry entry, TimeSpan timeToLive, Action<SandboxEntry> lost)
    {
        if (entry.Replaying)
        {
            return;
        }

        var at = entry.Sandbox.ChangedAt;
        if (CurrentRequest.Value is { Finished: false } request && ReferenceEquals(request.Entry, entry))
        {
            // One entry per request: a replay of it makes all of its changes again.
            if (!request.Logged)
            {
                request.Logged = true;
                request.Writes.Add(log.AppendAsync(entry.Id, request.Record with { At = at }, timeToLive, entry.Owner));
            }

            return;
        }

        // No request made this change: the host's timer had the MCM complete what was due.
        var write = log.AppendAsync(entry.Id, new LogRecord { Kind = LogRecordKind.Due, At = at }, timeToLive, entry.Owner);
        _ = write.ContinueWith(t =>
        {
            LogWriteFailed(entry.Id, "self-completion", t.Exception!.GetBaseException());
            lost(entry);
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Holds a request that may change a sandbox (anything but a read) until what it changed is in Redis: the answer is
    /// buffered, and sent only then; a failed write answers 503 instead and drops the sandbox from memory.
    /// </summary>
    public IApplicationBuilder UseDurableAnswers(IApplicationBuilder app, SandboxStore store) => app.Use(async (http, next) =>
    {
        var method = http.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || RequestReplayer.ReplayedFor(http) is not null
            || (SandboxAccess.TryGetSandbox(http) is null && !IsCreate(http)))
        {
            await next(http);
            return;
        }

        var admitted = SandboxAccess.TryGetSandbox(http);
        var body = await ReadBodyAsync(http);
        var request = new DurableRequest(admitted, new LogRecord
        {
            Kind = LogRecordKind.Request,
            At = default,
            Method = method,
            Path = http.Request.Path.Value,
            Query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value : null,
            ContentType = body is null ? null : http.Request.ContentType,
            Body = body,
        });
        var answer = http.Response.Body;
        using var held = new MemoryStream();
        http.Response.Body = held;
        CurrentRequest.Value = request;
        try
        {
            await next(http);
        }
        finally
        {
            request.Finished = true;
            CurrentRequest.Value = null;
            http.Response.Body = answer;
        }

        if (request.Writes.Count > 0)
        {
            try
            {
                // Each write fails by itself past the write timeout (the connection's own), so no timer is armed here.
                await (request.Writes.Count == 1 ? request.Writes[0] : Task.WhenAll(request.Writes));
            }
#pragma warning disable CA1031 // Whatever Redis throws, the answer is the same 503.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogWriteFailed(request.Entry?.Id ?? "-", method + " " + http.Request.Path, e is AggregateException a ? a.GetBaseException() : e);
                if (request.Entry is { } changed)
                {
                    store.Lose(changed);
                }

                http.Response.Clear();
                await ProblemCatalogue.StorageUnavailable().WithRetryAfter(http.Response).ExecuteAsync(http);
                return;
            }
        }

        held.Position = 0;
        await held.CopyToAsync(answer, http.RequestAborted);
    });

    /// <summary>
    /// Rebuilds a sandbox from its log: created as it was (options, key hash, handle tag), then every entry run again
    /// in order on a clock showing its time. Returns the entry, not yet published, with its timer armed.
    /// </summary>
    public async Task<SandboxEntry> RebuildAsync(IReadOnlyList<LogRecord> records, DateTimeOffset? lastUsed, Func<string, byte[], Sandbox, DateTimeOffset, SandboxEntry> newEntry)
    {
        var first = records[0];
        var creation = first.Creation ?? throw new InvalidDataException("A sandbox log must begin with its creation.");
        var clock = new ReplayClock(time);
        clock.Show(first.At);
        var sandbox = new Sandbox(creation.ToOptions(), clock, creation.HandleTag);
        var entry = newEntry(creation.Id, Convert.FromBase64String(creation.KeyHash), sandbox, first.At);
        entry.Replaying = true;
        var failed = 0;
        foreach (var record in records.Skip(1))
        {
            clock.Show(record.At);
            try
            {
                if (record.Kind == LogRecordKind.Due)
                {
                    sandbox.CompleteDue();
                }
                else
                {
                    await replayer.RunAsync(entry, record);
                }
            }
#pragma warning disable CA1031 // A request that threw when it was sent (rolled back, answered 500) throws again: it changed nothing either time.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failed++;
                LogReplayFailed(creation.Id, record.Method + " " + record.Path, e);
            }
        }

        clock.Release();
        entry.Replaying = false;
        var used = records[^1].At;
        entry.Touch(lastUsed is { } touched && touched > used ? touched : used);
        entry.LastPersistedUse = entry.LastUsed;
        LogRebuilt(creation.Id, records.Count, sandbox.LastSequence, failed);
        return entry;
    }

    private static bool IsCreate(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == "CreateSandbox";

    /// <summary>The body as text (the API takes JSON only); the body limit has already bounded it. The endpoint then reads the copy.</summary>
    private static async Task<string?> ReadBodyAsync(HttpContext http)
    {
        if (await http.Request.ReadWholeBodyAsync(long.MaxValue) is not { } bytes)
        {
            return null;
        }

        http.Request.Body = new MemoryStream(bytes, writable: false);
        return Encoding.UTF8.GetString(bytes);
    }

    private void Observe(Task write, string id, string what) =>
        _ = write.ContinueWith(t => LogWriteFailed(id, what, t.Exception!.GetBaseException()), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(LogLevel.Error, "Sandbox {SandboxId}: the write of {What} to Redis failed; the sandbox is reloaded from its log on its next request")]
    private partial void LogWriteFailed(string sandboxId, string what, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Sandbox {SandboxId}: replaying {Request} threw again (it changed nothing when it was sent either)")]
    private partial void LogReplayFailed(string sandboxId, string request, Exception exception);

    [LoggerMessage(LogLevel.Information, "Sandbox {SandboxId} rebuilt from {Entries} log entries: journal at sequence {Sequence}, {Failed} entries threw again")]
    private partial void LogRebuilt(string sandboxId, int entries, long sequence, int failed);
}
