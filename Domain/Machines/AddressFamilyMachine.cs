namespace NdisMock.Domain;

// The AF open machine (docs/state-machines.md#af): one client's open of an address family, from NdisClOpenAddressFamilyEx
// to its close. Read it against NdisClOpenAddressFamilyEx, NdisClCloseAddressFamily, NdisMCmNotifyCloseAddressFamily and
// PROTOCOL_CL_NOTIFY_CLOSE_AF.

/// <summary>States of one client's open of an address family (docs/state-machines.md#af).</summary>
public enum AfState
{
    OpenPending,
    Open,
    CloseNotified,
    ClosePending,
    Closed,
}

internal enum AfTrigger
{
    /// <summary>ProtocolCmOpenAf answered SUCCESS, or NdisMCmOpenAddressFamilyComplete(SUCCESS).</summary>
    OpenSucceeded,

    /// <summary>NdisMCmOpenAddressFamilyComplete with a failure.</summary>
    OpenFailed,

    /// <summary>NdisMCmNotifyCloseAddressFamily: the MCM asks the client to close.</summary>
    NotifyClose,

    /// <summary>NdisClCloseAddressFamily, and ProtocolCmCloseAf pended.</summary>
    ClosePended,

    /// <summary>ProtocolCmCloseAf answered SUCCESS, or NdisMCmCloseAddressFamilyComplete(SUCCESS).</summary>
    CloseSucceeded,
}

internal sealed class AddressFamilyOpen(string handle, CoAddressFamily family, string? clientAfContext, UndoLog? undo = null)
{
    private static readonly AfState[] Any = [];
    private long _remembered = -1;
    private string? _callMgrAfContext;

    /// <summary>The AF open's transition table.</summary>
    internal static readonly TransitionTable<AfState, AfTrigger, AddressFamilyOpen> Machine = new("AF open", "af",
    [
        new([AfState.OpenPending], AfTrigger.OpenSucceeded, AfState.Open),
        new([AfState.OpenPending], AfTrigger.OpenFailed, AfState.Closed),
        new([AfState.Open], AfTrigger.NotifyClose, AfState.CloseNotified),
        new(Any, AfTrigger.NotifyClose, Refused: Rules.AddressFamilyNotOpen),
        new([AfState.Open, AfState.CloseNotified], AfTrigger.ClosePended, AfState.ClosePending),
        new(Any, AfTrigger.ClosePended, Refused: Rules.CloseAfWhileBusy),
        new([AfState.ClosePending], AfTrigger.CloseSucceeded, AfState.Closed),
        new([AfState.Open, AfState.CloseNotified], AfTrigger.CloseSucceeded, AfState.Closed,
            Remark: "ProtocolCmCloseAf answered SUCCESS at once; NdisClCloseAddressFamily lets NDIS return it."),
    ]);

    public string Handle { get; } = handle;

    public CoAddressFamily Family { get; } = family;

    public string? ClientAfContext { get; } = clientAfContext;

    public string? CallMgrAfContext
    {
        get => _callMgrAfContext;
        set
        {
            Remember();
            _callMgrAfContext = value;
        }
    }

    public AfState State { get; private set; } = AfState.OpenPending;

    public bool IsOpen => State == AfState.Open;

    public bool Allows(AfTrigger trigger) => Machine.Allows(State, trigger, this);

    public Rule? RefusalOf(AfTrigger trigger) => Machine.RefusalOf(State, trigger, this);

    public void Apply(AfTrigger trigger)
    {
        var next = Machine.Next(State, trigger, this);
        Remember();
        State = next;
    }

    /// <summary>Notes this open's state, once per turn, so that a failing turn can put it back.</summary>
    private void Remember()
    {
        if (undo is not null && undo.Remembers(ref _remembered))
        {
            var (context, state) = (_callMgrAfContext, State);
            undo.Record(() => (_callMgrAfContext, State) = (context, state));
        }
    }
}
