using System.Text.Json;
using System.Text.Json.Serialization;
using NdisMock.Domain;

namespace NdisMock.Api.Tests;

/// <summary>
/// Replays a sandbox's journal call by call on a fresh sandbox: each NDIS function either role called becomes the same
/// call again, in journal order. For a sandbox with manual duties and default behaviors every such event is a call of
/// its own, so a consistent sandbox replays to exactly the same journal.
/// </summary>
internal static class Replay
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public static Sandbox Run(IReadOnlyList<NdisEvent> journal, SandboxOptions options)
    {
        var tag = journal.Select(e => e.NdisAfHandle ?? e.NdisVcHandle).First(h => h is not null)!.Split('-')[1];
        var sandbox = new Sandbox(options, handleTag: tag);
        for (var i = 0; i < journal.Count; i++)
        {
            var e = journal[i];
            if (e.Sequence <= 4)
            {
                continue;
            }

            var next = i + 1 < journal.Count ? journal[i + 1] : null;
            Call(sandbox, e, next);
        }

        return sandbox;
    }

    /// <summary>The journal without timestamps, one JSON line per event, for comparison.</summary>
    public static string[] Lines(IEnumerable<NdisEvent> journal) =>
        [.. journal.Select(e =>
        {
            var json = JsonSerializer.SerializeToNode(e, Json)!.AsObject();
            json.Remove(nameof(NdisEvent.Timestamp));
            return json.ToJsonString();
        })];

    /// <summary>
    /// A sandbox's state for comparison: without timestamps, and without the violation count, since refused calls are
    /// recorded as violations but leave no journal event to replay.
    /// </summary>
    public static string State(Sandbox sandbox)
    {
        var snapshot = sandbox.GetSnapshot();
        return JsonSerializer.Serialize(snapshot with
        {
            Now = default,
            PendingOperations = [.. snapshot.PendingOperations.Select(p => p with { CreatedAt = default })],
            Counters = snapshot.Counters with { Violations = 0 },
        }, Json);
    }

    private static void Call(Sandbox s, NdisEvent e, NdisEvent? next)
    {
        var status = e.Status ?? NdisStatuses.Success;
        _ = e.Name switch
        {
            EventName.NdisClOpenAddressFamilyEx => s.NdisClOpenAddressFamilyEx(e.AddressFamily!, e.ClientAfContext),
            EventName.NdisClCloseAddressFamily => s.NdisClCloseAddressFamily(e.NdisAfHandle!),
            EventName.NdisClRegisterSap => s.NdisClRegisterSap(e.NdisAfHandle!, e.ProtocolSapContext, e.Sap!),
            EventName.NdisClDeregisterSap => s.NdisClDeregisterSap(e.NdisSapHandle!),
            EventName.NdisCoCreateVc => s.NdisCoCreateVc(e.NdisAfHandle!, e.ProtocolVcContext),
            EventName.NdisCoDeleteVc => s.NdisCoDeleteVc(e.NdisVcHandle!),
            EventName.NdisClMakeCall => s.NdisClMakeCall(e.NdisVcHandle!, e.CallParameters, e.ProtocolPartyContext),
            EventName.NdisClCloseCall => s.NdisClCloseCall(e.NdisVcHandle!, e.NdisPartyHandle, e.CloseData),
            EventName.NdisClAddParty => s.NdisClAddParty(e.NdisVcHandle!, e.ProtocolPartyContext, e.CallParameters),
            EventName.NdisClDropParty => s.NdisClDropParty(e.NdisPartyHandle!, e.CloseData),
            EventName.NdisClModifyCallQoS => s.NdisClModifyCallQoS(e.NdisVcHandle!, e.CallParameters!),
            EventName.NdisClIncomingCallComplete => s.NdisClIncomingCallComplete(status, e.NdisVcHandle!, e.CallParameters),
            EventName.NdisClNotifyCloseAddressFamilyComplete => s.NdisClNotifyCloseAddressFamilyComplete(e.NdisAfHandle!, status),
            EventName.NdisMCmCreateVc => s.NdisMCmCreateVc(e.NdisAfHandle!, e.CallMgrVcContext, next?.ProtocolVcContext),
            EventName.NdisMCmDeleteVc => s.NdisMCmDeleteVc(e.NdisVcHandle!),
            EventName.NdisMCmActivateVc => s.NdisMCmActivateVc(e.NdisVcHandle!, e.CallParameters),
            EventName.NdisMCmDeactivateVc => s.NdisMCmDeactivateVc(e.NdisVcHandle!),
            EventName.NdisMCmDispatchIncomingCall => s.NdisMCmDispatchIncomingCall(e.NdisSapHandle!, e.NdisVcHandle!, e.CallParameters),
            EventName.NdisMCmDispatchCallConnected => s.NdisMCmDispatchCallConnected(e.NdisVcHandle!),
            EventName.NdisMCmDispatchIncomingCloseCall => s.NdisMCmDispatchIncomingCloseCall(status, e.NdisVcHandle!, e.CloseData),
            EventName.NdisMCmDispatchIncomingDropParty => s.NdisMCmDispatchIncomingDropParty(status, e.NdisPartyHandle!, e.CloseData),
            EventName.NdisMCmDispatchIncomingCallQoSChange => s.NdisMCmDispatchIncomingCallQoSChange(e.NdisVcHandle!, e.CallParameters!),
            EventName.NdisMCmNotifyCloseAddressFamily => s.NdisMCmNotifyCloseAddressFamily(e.NdisAfHandle!),
            EventName.NdisMCmOpenAddressFamilyComplete => s.NdisMCmOpenAddressFamilyComplete(status, e.NdisAfHandle!, e.CallMgrAfContext),
            EventName.NdisMCmCloseAddressFamilyComplete => s.NdisMCmCloseAddressFamilyComplete(status, e.NdisAfHandle!),
            EventName.NdisMCmRegisterSapComplete => s.NdisMCmRegisterSapComplete(status, e.NdisSapHandle!, e.CallMgrSapContext),
            EventName.NdisMCmDeregisterSapComplete => s.NdisMCmDeregisterSapComplete(status, e.NdisSapHandle!),
            EventName.NdisMCmMakeCallComplete => s.NdisMCmMakeCallComplete(status, e.NdisVcHandle!, e.NdisPartyHandle, e.CallMgrPartyContext, e.CallParameters),
            EventName.NdisMCmCloseCallComplete => s.NdisMCmCloseCallComplete(status, e.NdisVcHandle!, e.NdisPartyHandle),
            EventName.NdisMCmAddPartyComplete => s.NdisMCmAddPartyComplete(status, e.NdisPartyHandle!, e.CallMgrPartyContext, e.CallParameters),
            EventName.NdisMCmDropPartyComplete => s.NdisMCmDropPartyComplete(status, e.NdisPartyHandle!),
            EventName.NdisMCmModifyCallQoSComplete => s.NdisMCmModifyCallQoSComplete(status, e.NdisVcHandle!, e.CallParameters),
            _ => null,
        };
    }
}
