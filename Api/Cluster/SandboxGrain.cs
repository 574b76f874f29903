using System.Text.Json;
using NdisMock.Api.Sandboxes;
using NdisMock.Hubs;
using Orleans.Concurrency;

namespace NdisMock.Api.Cluster;

/// <summary>A REST request for one sandbox, as the node that received it forwards it to the node hosting the sandbox.</summary>
[GenerateSerializer, Immutable]
public sealed record ForwardedRequest(
    [property: Id(0)] string Method,
    [property: Id(1)] string Path,
    [property: Id(2)] string? Query,
    [property: Id(3)] string RawTarget,
    [property: Id(4)] string[] HeaderNames,
    [property: Id(5)] string[] HeaderValues,
    [property: Id(6)] byte[]? Body,
    [property: Id(7)] string? ClientAddress);

/// <summary>The answer the hosting node gave, sent back as it is.</summary>
[GenerateSerializer, Immutable]
public sealed record ForwardedReply(
    [property: Id(0)] int Status,
    [property: Id(1)] string[] HeaderNames,
    [property: Id(2)] string[] HeaderValues,
    [property: Id(3)] byte[] Body);

/// <summary>What the hosting node found for a hub subscriber: admitted with where the journal stands, or refused.</summary>
[GenerateSerializer, Immutable]
public sealed record HubAdmission(
    [property: Id(0)] string? RefusalReason,
    [property: Id(1)] string? RefusalMessage,
    [property: Id(2)] long OldestSequenceKept,
    [property: Id(3)] long LastSequence);

/// <summary>Journal events as JSON (the hub's own message shape), the oldest kept, or why no more will come.</summary>
[GenerateSerializer, Immutable]
public sealed record JournalRead(
    [property: Id(0)] byte[] Events,
    [property: Id(1)] long OldestSequenceKept,
    [property: Id(2)] string? Ended);

/// <summary>
/// One sandbox in the cluster: wherever it is activated, that node holds the sandbox in memory (rebuilt from its Redis
/// log on activation) and answers for it. Reentrant: the sandbox serialises its own operations, and a waiting read (a
/// long-poll, a hub subscription) must not hold up the others.
/// </summary>
public interface ISandboxGrain : IGrainWithStringKey
{
    /// <summary>Runs a REST request for the sandbox through this node's pipeline.</summary>
    Task<ForwardedReply> Run(ForwardedRequest request);

    /// <summary>Checks a hub subscriber's key (spending one request of the allowance) and says where the journal stands.</summary>
    Task<HubAdmission> AdmitSubscriber(string? sandboxKey);

    /// <summary>The events after <paramref name="after"/>, waiting up to <paramref name="wait"/> for one.</summary>
    Task<JournalRead> ReadJournal(long after, int max, TimeSpan wait);

    /// <summary>The operator's summary of the sandbox as JSON (ListSandboxes), or empty when there is no such sandbox.</summary>
    Task<byte[]> Summary();
}

[Reentrant]
internal sealed class SandboxGrain(SandboxStore store, ClusterForwarding forwarding) : Grain, ISandboxGrain, IDisposable
{
    private readonly SemaphoreSlim _claiming = new(1, 1);
    private bool _claimed;

    private string Id => this.GetPrimaryKeyString();

    public void Dispose() => _claiming.Dispose();

    /// <summary>
    /// Claims the sandbox's log for this activation (once; calls interleave, so one at a time), so that only this
    /// activation's node writes it from now on. False while Redis does not answer: the call is then refused with 503.
    /// </summary>
    private async Task<bool> ClaimAsync()
    {
        if (Volatile.Read(ref _claimed))
        {
            return true;
        }

        await _claiming.WaitAsync();
        try
        {
            if (!_claimed)
            {
                await store.ClaimAsync(Id);
                _claimed = true;
            }
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
        }
        finally
        {
            _claiming.Release();
        }

        return _claimed;
    }

    public async Task<ForwardedReply> Run(ForwardedRequest request)
    {
        if (!await ClaimAsync())
        {
            return await forwarding.RenderAsync(ProblemCatalogue.StorageUnavailable());
        }

        var reply = await forwarding.RunHereAsync(request);
        LetGoIfAbsent();
        return reply;
    }

    /// <summary>A grain whose sandbox does not exist (a mistyped id, a deleted sandbox) is not kept around.</summary>
    private void LetGoIfAbsent()
    {
        if (store.Find(Id) is null)
        {
            DeactivateOnIdle();
        }
    }

    public async Task<HubAdmission> AdmitSubscriber(string? sandboxKey)
    {
        if (!await ClaimAsync())
        {
            var unavailable = SandboxStore.StorageUnavailableRefusal();
            return new HubAdmission(HubRefusal.ReasonOf(unavailable), unavailable.Message, 0, 0);
        }

        var entry = await store.FindAsync(Id);
        if (store.Admit(entry, sandboxKey) is { } refusal)
        {
            return new HubAdmission(HubRefusal.ReasonOf(refusal), refusal.Message, 0, 0);
        }

        return new HubAdmission(null, null, entry!.Sandbox.OldestEventKept, entry.Sandbox.LastSequence);
    }

    public async Task<JournalRead> ReadJournal(long after, int max, TimeSpan wait)
    {
        if (!await ClaimAsync())
        {
            // Nothing can be read until Redis answers; the subscriber's node asks again after this pause.
            await Task.Delay(TimeSpan.FromSeconds(1));
            return new JournalRead([], 0, null);
        }

        var entry = await store.FindAsync(Id);
        if (entry is null)
        {
            LetGoIfAbsent();
            return new JournalRead([], 0, "SandboxDeleted");
        }

        using var timeout = new CancellationTokenSource(wait);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, entry.Gone);
        JournalBatch batch;
        try
        {
            batch = await entry.Journal.ReadAsync(after, max, either.Token);
        }
        catch (OperationCanceledException)
        {
            // Nothing new within the wait, or the sandbox left: deleted or expired ends the subscription; moved (this node
            // let go of it) does not, and the next read finds it where it is hosted now.
            return new JournalRead([], entry.Sandbox.OldestEventKept, entry.Gone.IsCancellationRequested ? entry.Ended : null);
        }

        return new JournalRead(JsonSerializer.SerializeToUtf8Bytes(batch.Events, forwarding.EventJson), batch.OldestSequenceKept, null);
    }

    public async Task<byte[]> Summary()
    {
        if (await ClaimAsync() && await store.FindAsync(Id) is { } entry)
        {
            return JsonSerializer.SerializeToUtf8Bytes(SandboxApi.SummaryOf(entry), forwarding.EventJson);
        }

        LetGoIfAbsent();
        return [];
    }

    /// <summary>Claims the sandbox's log for this activation before it serves anything.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => ClaimAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The sandbox stays in Redis; its next request activates the grain again, on this node or another.
        store.Unload(Id);
        return Task.CompletedTask;
    }
}
