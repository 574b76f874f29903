namespace NdisMock.Domain;

// Lookups: each turns a handle into its object, or refuses with the rule for a foreign or dead handle.
public sealed partial class Sandbox
{
    private void RequireHandle(string? handle, string what)
    {
        Require(!string.IsNullOrEmpty(handle), Rules.UnknownHandle, $"{OperationName} needs {what}.");
    }

    /// <summary>The AF open named by the handle, or null when it was issued here but has closed.</summary>
    private AddressFamilyOpen? FindAf(string? handle)
    {
        RequireHandle(handle, "an NdisAfHandle");
        if (_afs.TryGetValue(handle!, out var af))
        {
            return af;
        }

        Require(_handles.WasIssued(HandleKind.Af, handle!), Rules.UnknownHandle, $"{handle} is not an NdisAfHandle of this sandbox.");
        return null;
    }

    /// <summary>The AF open as the MCM sees it: using it after its close completed is V-AF-04.</summary>
    private AddressFamilyOpen AfForMcm(string? handle) =>
        FindAf(handle) ?? throw Refuse(Rules.AddressFamilyUsedAfterClose, $"{handle} was closed; the MCM may not use it after NdisMCmCloseAddressFamilyComplete.");

    private ServiceAccessPoint SapOf(string? handle)
    {
        RequireHandle(handle, "an NdisSapHandle");
        if (_saps.TryGetValue(handle!, out var sap))
        {
            return sap;
        }

        Require(_handles.WasIssued(HandleKind.Sap, handle!), Rules.UnknownHandle, $"{handle} is not an NdisSapHandle of this sandbox.");
        throw Refuse(Rules.StaleHandle, $"SAP {handle} is deregistered; its handle is no longer valid.");
    }

    private VirtualConnection VcOf(string? handle)
    {
        RequireHandle(handle, "an NdisVcHandle");
        if (_vcs.TryGetValue(handle!, out var vc))
        {
            return vc;
        }

        Require(_handles.WasIssued(HandleKind.Vc, handle!), Rules.UnknownHandle, $"{handle} is not an NdisVcHandle of this sandbox.");
        throw Refuse(Rules.DeletedVcUsed, $"VC {handle} was deleted; its handle is no longer valid.");
    }

    private Party PartyOf(string? handle)
    {
        RequireHandle(handle, "an NdisPartyHandle");
        if (_parties.TryGetValue(handle!, out var party))
        {
            return party;
        }

        Require(_handles.WasIssued(HandleKind.Party, handle!), Rules.UnknownHandle, $"{handle} is not an NdisPartyHandle of this sandbox.");
        throw Refuse(Rules.DroppedPartyUsed, $"Party {handle} is gone; its handle is no longer valid.");
    }

    private PendingOperation PendingOf(string? id)
    {
        RequireHandle(id, "a pendingOperationId");
        if (_ledger.TryGet(id!, out var op))
        {
            return op;
        }

        Require(_handles.WasIssued(HandleKind.PendingOperation, id!), Rules.UnknownHandle, $"{id} is not a pending operation of this sandbox.");
        throw Refuse(Rules.CompletionWithoutRequest, $"{id} is no longer pending: it was already completed (a request is completed exactly once), or ResetSandbox forgot it.");
    }

    /// <summary>The request <paramref name="handler"/> pended for <paramref name="handle"/>, or a V-CMP-02 refusal.</summary>
    private PendingOperation PendedBy(EventName handler, string handle) =>
        _ledger.Find(handler, handle) ?? throw Refuse(Rules.CompletionWithoutRequest, $"{OperationName}: {handler} has no pended request for {handle} (never pended, or already completed).");
}
