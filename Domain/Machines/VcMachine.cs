namespace NdisMock.Domain;

// The VC machine (docs/state-machines.md#vc): a VC's activation and its deletion. The call it hosts has a machine of its
// own (CallMachine.cs). Read it against NdisMCmActivateVc, NdisMCmDeactivateVc, NdisCoDeleteVc and NdisMCmDeleteVc.

public enum VcCreator
{
    Client,
    Mcm,
}

public enum Activation
{
    Inactive,
    Active,
}

/// <summary>States of a VC (docs/state-machines.md#vc). A deleted VC leaves the sandbox.</summary>
internal enum VcState
{
    Inactive,
    Active,
    Deleted,
}

internal enum VcTrigger
{
    /// <summary>NdisMCmActivateVc, by the MCM or as one of its duties.</summary>
    Activate,

    /// <summary>NdisMCmDeactivateVc, by the MCM or as one of its duties.</summary>
    Deactivate,

    /// <summary>NdisCoDeleteVc or NdisMCmDeleteVc by the VC's creator.</summary>
    Delete,
}

internal sealed class VirtualConnection(string handle, AddressFamilyOpen af, VcCreator creator, string? protocolVcContext, string? callMgrVcContext, UndoLog? undo = null)
{
    private static readonly VcState[] Any = [];
    private List<PendingOperation>? _pended;
    private long _remembered = -1;

    /// <summary>The VC's transition table.</summary>
    internal static readonly TransitionTable<VcState, VcTrigger, VirtualConnection> Machine = new("VC", "vc",
    [
        new([VcState.Inactive, VcState.Active], VcTrigger.Activate, VcState.Active),
        new([VcState.Active], VcTrigger.Deactivate, VcState.Inactive),
        new([VcState.Inactive], VcTrigger.Deactivate, Refused: Rules.DeactivateInactiveVc),
        new([VcState.Active], VcTrigger.Delete, Refused: Rules.DeleteActiveVc),
        new([VcState.Inactive], VcTrigger.Delete, When: new("the VC hosts a call", vc => vc.HasCall), Refused: Rules.DeleteWithCall),
        new([VcState.Inactive], VcTrigger.Delete, VcState.Deleted),
    ]);

    public string Handle { get; } = handle;

    public AddressFamilyOpen Af { get; } = af;

    public VcCreator Creator { get; } = creator;

    public string? ProtocolVcContext { get; } = protocolVcContext;

    public string? CallMgrVcContext { get; } = callMgrVcContext;

    public VcState State { get; private set; } = VcState.Inactive;

    public Activation Activation => State == VcState.Active ? Activation.Active : Activation.Inactive;

    /// <summary>The parameters of the last activation; discarded on deactivation.</summary>
    public CallParameters? ActiveParameters { get; private set; }

    /// <summary>Count of activations, so a QoS completion can tell whether the MCM re-activated since the request.</summary>
    public long ActivationCount { get; private set; }

    /// <summary>The last call closed while the VC was active (a lenient sandbox allows that); it must be deactivated before reuse.</summary>
    public bool DeactivationOwed { get; private set; }

    /// <summary>The call the VC hosts, or hosted last.</summary>
    public Call Call { get; } = new(undo);

    /// <summary>The requests pended about this VC, its call or its parties (a view of the pending ledger).</summary>
    public IReadOnlyList<PendingOperation> Pended => (IReadOnlyList<PendingOperation>?)_pended ?? [];

    public bool HasCall => Call.Exists;

    public bool IsClosing => Call.State == CallState.Closing;

    public bool IsMultipoint => Call.IsMultipoint;

    public IReadOnlyList<Party> Parties => Call.Parties;

    public int LiveParties => Call.LiveParties;

    public int ConnectedParties => Call.ConnectedParties;

    public int RemotelyConnectedParties => Call.RemotelyConnectedParties;

    /// <summary>The parameters of the call as last agreed.</summary>
    public CallParameters? CallParameters
    {
        get => Call.Parameters;
        set => Call.Parameters = value;
    }

    public bool Allows(CallTrigger trigger) => Call.Allows(trigger);

    public Rule? RefusalOf(VcTrigger trigger) => Machine.RefusalOf(State, trigger, this);

    /// <summary>A call trigger; closing a call while the VC is active leaves the deactivation owed.</summary>
    public void Apply(CallTrigger trigger)
    {
        Call.Apply(trigger);
        if (trigger == CallTrigger.CloseSucceeded)
        {
            Remember();
            DeactivationOwed = Activation == Activation.Active;
        }
    }

    public void StartCall(bool multipoint) => Call.Start(multipoint);

    public void Activate(CallParameters? parameters)
    {
        var next = Machine.Next(State, VcTrigger.Activate, this);
        Remember();
        State = next;
        ActiveParameters = parameters;
        ActivationCount++;
    }

    public void Deactivate()
    {
        var next = Machine.Next(State, VcTrigger.Deactivate, this);
        Remember();
        State = next;
        ActiveParameters = null;
        DeactivationOwed = false;
    }

    public void Delete()
    {
        var next = Machine.Next(State, VcTrigger.Delete, this);
        Remember();
        State = next;
    }

    /// <summary>A request about this VC entered the pending ledger.</summary>
    public void AddPended(PendingOperation op)
    {
        Remember();
        (_pended ??= []).Add(op);
    }

    /// <summary>A request about this VC left the pending ledger.</summary>
    public void RemovePended(PendingOperation op)
    {
        Remember();
        _pended?.Remove(op);
    }

    /// <summary>Notes the VC's state and its pended requests, once per turn, so that a failing turn can put them back.</summary>
    private void Remember()
    {
        if (undo is null || !undo.Remembers(ref _remembered))
        {
            return;
        }

        var (state, active, count, owed) = (State, ActiveParameters, ActivationCount, DeactivationOwed);
        var pended = _pended is { Count: > 0 } list ? list.ToArray() : [];
        undo.Record(() =>
        {
            (State, ActiveParameters, ActivationCount, DeactivationOwed) = (state, active, count, owed);
            _pended?.Clear();
            _pended?.AddRange(pended);
        });
    }

    public void AddParty(Party party) => Call.AddParty(party);

    public void RemoveParty(Party party) => Call.RemoveParty(party);
}
