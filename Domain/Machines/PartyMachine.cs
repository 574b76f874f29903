namespace NdisMock.Domain;

// The party machine (docs/state-machines.md#party): one leaf of a multipoint call. Read it against NdisClAddParty,
// NdisClDropParty, NdisMCmDispatchIncomingDropParty and PROTOCOL_CL_DROP_PARTY_COMPLETE.

/// <summary>States of a party of a multipoint call (docs/state-machines.md#party). A party that is gone leaves its VC.</summary>
public enum PartyState
{
    AddPending,
    Connected,
    RemoteDropIndicated,
    DropPending,
}

internal enum PartyTrigger
{
    /// <summary>ProtocolCmAddParty (or the make call's initial party) answered SUCCESS, or its completion did.</summary>
    AddSucceeded,

    /// <summary>NdisMCmDispatchIncomingDropParty.</summary>
    RemoteDrop,

    /// <summary>NdisClDropParty, and ProtocolCmDropParty pended.</summary>
    DropPended,

    /// <summary>NdisMCmDropPartyComplete with a failure.</summary>
    DropFailed,
}

internal sealed class Party(string handle, VirtualConnection vc, string? protocolPartyContext, UndoLog? undo = null)
{
    private static readonly PartyState[] Any = [];
    private long _remembered = -1;
    private string? _callMgrPartyContext;

    /// <summary>The party's transition table.</summary>
    internal static readonly TransitionTable<PartyState, PartyTrigger, Party> Machine = new("Party", "party",
    [
        new([PartyState.AddPending], PartyTrigger.AddSucceeded, PartyState.Connected),
        new([PartyState.Connected], PartyTrigger.RemoteDrop, PartyState.RemoteDropIndicated),
        new(Any, PartyTrigger.RemoteDrop, Refused: Rules.CallInWrongState),
        new([PartyState.DropPending], PartyTrigger.DropPended, Refused: Rules.DroppedPartyUsed,
            Remark: "NdisClDropParty: the client must consider the handle invalid as soon as it asks; a second drop uses a dead handle."),
        new([PartyState.Connected, PartyState.RemoteDropIndicated], PartyTrigger.DropPended, PartyState.DropPending),
        new(Any, PartyTrigger.DropPended, Refused: Rules.CallInWrongState),
        new([PartyState.DropPending], PartyTrigger.DropFailed, PartyState.Connected,
            Remark: "No page says what a failed drop leaves; NdisMock keeps the party connected, so the client may drop it again."),
    ]);

    public string Handle { get; } = handle;

    public VirtualConnection Vc { get; } = vc;

    public string? ProtocolPartyContext { get; } = protocolPartyContext;

    public string? CallMgrPartyContext
    {
        get => _callMgrPartyContext;
        set
        {
            Remember();
            _callMgrPartyContext = value;
        }
    }

    public PartyState State { get; private set; } = PartyState.AddPending;

    public bool Allows(PartyTrigger trigger) => Machine.Allows(State, trigger, this);

    public Rule? RefusalOf(PartyTrigger trigger) => Machine.RefusalOf(State, trigger, this);

    public void Apply(PartyTrigger trigger)
    {
        var next = Machine.Next(State, trigger, this);
        Remember();
        State = next;
    }

    /// <summary>Notes this party's state, once per turn, so that a failing turn can put it back.</summary>
    private void Remember()
    {
        if (undo is not null && undo.Remembers(ref _remembered))
        {
            var (context, state) = (_callMgrPartyContext, State);
            undo.Record(() => (_callMgrPartyContext, State) = (context, state));
        }
    }
}
