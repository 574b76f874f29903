using System.Text.Json;
using NdisMock.Api.Sandboxes;
using NdisMock.Hubs;

namespace NdisMock.Api.Cluster;

/// <summary>
/// The hub's way to a sandbox in a cluster: the key is checked on the node hosting the sandbox, and the subscription
/// reads the journal from there by sequence, so a subscriber on any node gets every event of a sandbox on any other.
/// </summary>
internal sealed class ClusterDirectory(IGrainFactory grains, ClusterForwarding forwarding, ILogger<ClusterDirectory> log) : ISandboxDirectory
{
    public async ValueTask<HubOpening> OpenAsync(string sandboxId, string? sandboxKey)
    {
        if (sandboxId is null || !SandboxStore.IsSandboxId(sandboxId))
        {
            return HubOpening.Refused(SandboxStore.UnknownSandboxRefusal());
        }

        HubAdmission admission;
        try
        {
            admission = await grains.GetGrain<ISandboxGrain>(sandboxId).AdmitSubscriber(sandboxKey);
        }
        catch (Exception e) when (ClusterForwarding.IsNodeLoss(e))
        {
            return HubOpening.Refused(HubRefusal.Create("NodeLost", "The node hosting this sandbox went away; it is back on another node within seconds: subscribe again."));
        }

        return admission.RefusalReason is { } reason
            ? HubOpening.Refused(HubRefusal.Create(reason, admission.RefusalMessage ?? reason))
            : new HubOpening(new GrainJournal(grains.GetGrain<ISandboxGrain>(sandboxId), forwarding.EventJson, log), admission.OldestSequenceKept, admission.LastSequence, null);
    }

    /// <summary>A deletion is told by the journal itself (its read ends), on whichever node it happened.</summary>
    public bool IsHosted(string sandboxId, IJournalSource journal) => true;

    /// <summary>A sandbox's journal read from its grain; across the loss of its node the read goes on where it was, on the node it moved to.</summary>
    private sealed class GrainJournal(ISandboxGrain grain, JsonSerializerOptions json, ILogger log) : IJournalSource
    {
        /// <summary>How long one read waits in the hosting node for an event (below the grain call's time limit).</summary>
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

        public async ValueTask<JournalBatch> ReadAsync(long after, int max, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                JournalRead read;
                try
                {
                    read = await grain.ReadJournal(after, max, Wait).WaitAsync(cancellationToken);
                }
                catch (Exception e) when (ClusterForwarding.IsNodeLoss(e))
                {
                    // The sandbox is rebuilt on a live node from its log, with the same sequences: read on from there.
                    log.LogInformation("Journal of {Grain} unreachable after {Sequence} ({Exception}); reading on once it has moved", grain.GetPrimaryKeyString(), after, e.GetType().Name);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                    continue;
                }

                if (read.Ended is { } ended)
                {
                    return new JournalBatch([], read.OldestSequenceKept, ended);
                }

                // Nothing new within the wait: read again.
                if (read.Events.Length == 0)
                {
                    continue;
                }

                var events = JsonSerializer.Deserialize<NdisEventMessage[]>(read.Events, json) ?? [];
                if (events.Length > 0)
                {
                    return new JournalBatch(events, read.OldestSequenceKept);
                }
            }
        }
    }
}
