namespace NdisMock.Domain;

// The call machine (docs/state-machines.md#call): the call a VC hosts, outgoing (NdisClMakeCall) or incoming
// (NdisMCmDispatchIncomingCall), until it closes. Read it against NdisClMakeCall, NdisClCloseCall, NdisMCmDispatchIncomingCall,
// NdisClIncomingCallComplete, NdisMCmDispatchIncomingCloseCall and NdisClModifyCallQoS.

/// <summary>
/// States of the call a VC hosts (docs/state-machines.md#call). <c>Idle</c>: no call yet; <c>Closed</c>: the last call closed
/// and the VC has not been reused. A pending QoS change is not a state here: the pending ledger holds it.
/// </summary>
public enum CallState
{
    Idle,
    MakeCallPending,
    Offered,
    Accepted,
    Connected,
    RemoteClosePending,
    Closing,
    Closed,
}

internal enum CallTrigger
{
    /// <summary>NdisClMakeCall, and ProtocolCmMakeCall pended.</summary>
    MakeCallPended,

    /// <summary>ProtocolCmMakeCall answered SUCCESS, or NdisMCmMakeCallComplete(SUCCESS).</summary>
    MakeCallSucceeded,

    /// <summary>ProtocolCmMakeCall answered a failure, or NdisMCmMakeCallComplete with one.</summary>
    MakeCallFailed,

    /// <summary>NdisMCmDispatchIncomingCall.</summary>
    Offer,

    /// <summary>NdisClIncomingCallComplete(SUCCESS).</summary>
    Accept,

    /// <summary>NdisClIncomingCallComplete with a failure.</summary>
    Reject,

    /// <summary>NdisMCmDispatchCallConnected.</summary>
    Connect,

    /// <summary>NdisMCmDispatchIncomingCloseCall.</summary>
    RemoteClose,

    /// <summary>NdisClCloseCall, and ProtocolCmCloseCall pended.</summary>
    ClosePended,

    /// <summary>ProtocolCmCloseCall answered SUCCESS, or NdisMCmCloseCallComplete(SUCCESS).</summary>
    CloseSucceeded,

    /// <summary>ProtocolCmCloseCall answered a failure, or NdisMCmCloseCallComplete with one.</summary>
    CloseFailed,

    /// <summary>NdisClModifyCallQoS; the call's state does not change.</summary>
    ModifyQos,

    /// <summary>NdisClAddParty; the call's state does not change.</summary>
    AddParty,

    /// <summary>NdisMCmDispatchIncomingCallQoSChange; the call's state does not change.</summary>
    IncomingQosChange,
}

internal sealed class Call(UndoLog? undo = null)
{
    private static readonly CallState[] Any = [];
    private static readonly Guard<Call> InterruptedMakeCallPends = new("the make call it interrupted still pends", c => c._interrupted == CallState.MakeCallPending);
    private static readonly Guard<Call> InterruptedMakeCallFailed = new("the make call it interrupted failed", c => c._interrupted == CallState.Closed);
    private const string ClosingMakeCall = "No page forbids NdisClCloseCall while the make call pends and NDIS forwards it; the MCM completes both (docs/rules.md#v-call-13).";

    /// <summary>The call's transition table.</summary>
    internal static readonly TransitionTable<CallState, CallTrigger, Call> Machine = new("Call", "call",
    [
        new([CallState.Idle, CallState.Closed], CallTrigger.MakeCallPended, CallState.MakeCallPending),
        new(Any, CallTrigger.MakeCallPended, Refused: Rules.MakeCallOnWrongVc),
        new([CallState.MakeCallPending], CallTrigger.MakeCallSucceeded, CallState.Connected),
        new([CallState.Idle, CallState.Closed], CallTrigger.MakeCallSucceeded, CallState.Connected,
            Remark: "ProtocolCmMakeCall answered SUCCESS at once; NdisClMakeCall lets NDIS return it."),
        new([CallState.MakeCallPending], CallTrigger.MakeCallFailed, CallState.Closed),
        new([CallState.Idle, CallState.Closed], CallTrigger.MakeCallFailed, CallState.Closed,
            Remark: "ProtocolCmMakeCall (or the MCM's admission control) answered a failure at once."),
        new([CallState.Closing], CallTrigger.MakeCallSucceeded, CallState.Closing, Remark: ClosingMakeCall),
        new([CallState.Closing], CallTrigger.MakeCallFailed, CallState.Closing, Remark: ClosingMakeCall),
        new([CallState.Idle, CallState.Closed], CallTrigger.Offer, CallState.Offered),
        new(Any, CallTrigger.Offer, Refused: Rules.DispatchOnWrongVc),
        new([CallState.Offered], CallTrigger.Accept, CallState.Accepted),
        new([CallState.Offered], CallTrigger.Reject, CallState.Closed),
        new([CallState.Accepted], CallTrigger.Connect, CallState.Connected),
        new(Any, CallTrigger.Connect, Refused: Rules.ConnectedWithoutAcceptance),
        new([CallState.Accepted, CallState.Connected], CallTrigger.RemoteClose, CallState.RemoteClosePending),
        new([CallState.Offered], CallTrigger.RemoteClose, CallState.RemoteClosePending,
            Remark: "The remote side may clear before the client answers the offer; the client's late NdisClIncomingCallComplete then changes nothing."),
        new(Any, CallTrigger.RemoteClose, Refused: Rules.CallInWrongState),
        new([CallState.Connected, CallState.RemoteClosePending], CallTrigger.ClosePended, CallState.Closing),
        new([CallState.Accepted], CallTrigger.ClosePended, CallState.Closing,
            Remark: "No page has the client close a call it accepted before NdisMCmDispatchCallConnected; nothing forbids it, so NDIS forwards it."),
        new([CallState.MakeCallPending], CallTrigger.ClosePended, CallState.Closing, Remark: ClosingMakeCall),
        new(Any, CallTrigger.ClosePended, Refused: Rules.CallInWrongState),
        new([CallState.Closing], CallTrigger.CloseSucceeded, CallState.Closed),
        new([CallState.Accepted, CallState.Connected, CallState.RemoteClosePending], CallTrigger.CloseSucceeded, CallState.Closed,
            Remark: "ProtocolCmCloseCall answered SUCCESS at once; NdisClCloseCall lets NDIS return it."),
        new([CallState.Closing], CallTrigger.CloseFailed, CallState.MakeCallPending, When: InterruptedMakeCallPends, Remark: ClosingMakeCall),
        new([CallState.Closing], CallTrigger.CloseFailed, CallState.Closed, When: InterruptedMakeCallFailed, Remark: ClosingMakeCall),
        new([CallState.Closing], CallTrigger.CloseFailed, CallState.Connected,
            Remark: "No page says where a failed close leaves the call; NdisMock keeps it connected, so the client may close again."),
        new([CallState.Connected], CallTrigger.ModifyQos),
        new([CallState.Offered], CallTrigger.ModifyQos,
            Remark: "NdisClIncomingCallComplete: before completing the offer the client may negotiate with NdisClModifyCallQoS."),
        new(Any, CallTrigger.ModifyQos, Refused: Rules.CallInWrongState),
        new([CallState.Connected], CallTrigger.AddParty),
        new(Any, CallTrigger.AddParty, Refused: Rules.CallInWrongState),
        new([CallState.Connected], CallTrigger.IncomingQosChange),
        new(Any, CallTrigger.IncomingQosChange, Refused: Rules.CallInWrongState),
    ]);

    // Made at the first party: most calls are point-to-point, and every VC holds a call, a million of them at scale.
    private List<Party>? _parties;
    private long _remembered = -1;
    private CallParameters? _parameters;
    private bool _offerRejected;

    /// <summary>
    /// For a close asked while the make call pended: MakeCallPending until the make call completes, then Connected or
    /// Closed as it did; where a failed close returns the call. Null for a close of a call that was set up.
    /// </summary>
    private CallState? _interrupted;

    public CallState State { get; private set; } = CallState.Idle;

    /// <summary>A call is multipoint iff the client gave a ProtocolPartyContext to NdisClMakeCall (NdisClMakeCall).</summary>
    public bool IsMultipoint { get; private set; }

    /// <summary>The parameters of the call as last agreed.</summary>
    public CallParameters? Parameters
    {
        get => _parameters;
        set
        {
            Remember();
            _parameters = value;
        }
    }

    /// <summary>The last offer on this VC was rejected by the client.</summary>
    public bool OfferRejected
    {
        get => _offerRejected;
        set
        {
            Remember();
            _offerRejected = value;
        }
    }

    public IReadOnlyList<Party> Parties => (IReadOnlyList<Party>?)_parties ?? [];

    public bool Exists => State is not (CallState.Idle or CallState.Closed);

    /// <summary>Parties the client still holds a handle to, or is about to.</summary>
    public int LiveParties => Parties.Count(p => p.State is PartyState.AddPending or PartyState.Connected or PartyState.RemoteDropIndicated);

    /// <summary>Parties still connected to the remote side (or being added).</summary>
    public int RemotelyConnectedParties => Parties.Count(p => p.State is PartyState.AddPending or PartyState.Connected);

    /// <summary>Parties whose add completed and that the remote side has not dropped.</summary>
    public int ConnectedParties => Parties.Count(p => p.State == PartyState.Connected);

    public bool Allows(CallTrigger trigger) => Machine.Allows(State, trigger, this);

    public Rule? RefusalOf(CallTrigger trigger) => Machine.RefusalOf(State, trigger, this);

    public void Apply(CallTrigger trigger)
    {
        var from = State;
        var next = Machine.Next(State, trigger, this);
        Remember();
        State = next;
        _interrupted = (from, trigger) switch
        {
            (CallState.MakeCallPending, CallTrigger.ClosePended) => CallState.MakeCallPending,
            (CallState.Closing, CallTrigger.MakeCallSucceeded) => CallState.Connected,
            (CallState.Closing, CallTrigger.MakeCallFailed) => CallState.Closed,
            (CallState.Closing, CallTrigger.CloseSucceeded or CallTrigger.CloseFailed) => null,
            (CallState.Closing, _) => _interrupted,
            _ => null,
        };
        if (State == CallState.Closed)
        {
            _parties?.Clear();
        }
    }

    public void Start(bool multipoint)
    {
        Remember();
        IsMultipoint = multipoint;
        _offerRejected = false;
        _parties?.Clear();
    }

    public void AddParty(Party party)
    {
        Remember();
        (_parties ??= []).Add(party);
    }

    public void RemoveParty(Party party)
    {
        Remember();
        _parties?.Remove(party);
    }

    /// <summary>Notes the call's state and its parties, once per turn, so that a failing turn can put them back.</summary>
    private void Remember()
    {
        if (undo is null || !undo.Remembers(ref _remembered))
        {
            return;
        }

        var (state, multipoint, parameters, rejected, interrupted) = (State, IsMultipoint, _parameters, _offerRejected, _interrupted);
        var parties = _parties is { Count: > 0 } ? _parties.ToArray() : [];
        undo.Record(() =>
        {
            (State, IsMultipoint, _parameters, _offerRejected, _interrupted) = (state, multipoint, parameters, rejected, interrupted);
            _parties?.Clear();
            if (parties.Length > 0)
            {
                (_parties ??= []).AddRange(parties);
            }
        });
    }

    public override string ToString() => State.ToString();
}
