namespace NdisMock.Domain;

// The stateful objects of CONDIS.md §3. Each keeps its state private and changes it only through one
// transition table, so it can be read against §3 row by row. A trigger the table does not list is a bug in the
// sandbox's checks (they run first), so it throws.

/// <summary>States of one client's open of an address family (CONDIS.md §3.1).</summary>
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
    OpenSucceeded,
    OpenFailed,
    NotifyClose,
    ClosePended,
    CloseSucceeded,
}

internal sealed class AddressFamilyOpen(string handle, CoAddressFamily family, string? clientAfContext)
{
    public string Handle { get; } = handle;

    public CoAddressFamily Family { get; } = family;

    public string? ClientAfContext { get; } = clientAfContext;

    public string? CallMgrAfContext { get; set; }

    public AfState State { get; private set; } = AfState.OpenPending;

    /// <summary>Set while a ProtocolClNotifyCloseAf of this open waits for the client's completion.</summary>
    public bool NotifyPending { get; set; }

    public bool IsOpen => State == AfState.Open;

    private static AfState? Next(AfState from, AfTrigger trigger) => (from, trigger) switch
    {
        (AfState.OpenPending, AfTrigger.OpenSucceeded) => AfState.Open,
        (AfState.OpenPending, AfTrigger.OpenFailed) => AfState.Closed,
        (AfState.Open, AfTrigger.NotifyClose) => AfState.CloseNotified,
        (AfState.Open or AfState.CloseNotified, AfTrigger.ClosePended) => AfState.ClosePending,
        (AfState.Open or AfState.CloseNotified or AfState.ClosePending, AfTrigger.CloseSucceeded) => AfState.Closed,
        _ => null,
    };

    public bool Allows(AfTrigger trigger) => Next(State, trigger) is not null;

    public void Apply(AfTrigger trigger) =>
        State = Next(State, trigger) ?? throw new InvalidOperationException($"AF {Handle}: {trigger} from {State}");
}

/// <summary>States of a SAP (CONDIS.md §3.2). A SAP that is gone leaves the sandbox.</summary>
public enum SapState
{
    RegisterPending,
    Registered,
    DeregisterPending,
    Gone,
}

internal enum SapTrigger
{
    RegisterSucceeded,
    RegisterFailed,
    DeregisterPended,
    DeregisterSucceeded,
}

internal sealed class ServiceAccessPoint(string handle, AddressFamilyOpen af, Sap sap, string? protocolSapContext)
{
    public string Handle { get; } = handle;

    public AddressFamilyOpen Af { get; } = af;

    public Sap Sap { get; } = sap;

    public string? ProtocolSapContext { get; } = protocolSapContext;

    public string? CallMgrSapContext { get; set; }

    public SapState State { get; private set; } = SapState.RegisterPending;

    /// <summary>Calls may be dispatched to a SAP whose registration is still pending (R-SAP-2).</summary>
    public bool AcceptsCalls => State is SapState.RegisterPending or SapState.Registered;

    private static SapState? Next(SapState from, SapTrigger trigger) => (from, trigger) switch
    {
        (SapState.RegisterPending, SapTrigger.RegisterSucceeded) => SapState.Registered,
        (SapState.RegisterPending, SapTrigger.RegisterFailed) => SapState.Gone,
        (SapState.Registered, SapTrigger.DeregisterPended) => SapState.DeregisterPending,
        (SapState.Registered or SapState.DeregisterPending, SapTrigger.DeregisterSucceeded) => SapState.Gone,
        _ => null,
    };

    public bool Allows(SapTrigger trigger) => Next(State, trigger) is not null;

    public void Apply(SapTrigger trigger) =>
        State = Next(State, trigger) ?? throw new InvalidOperationException($"SAP {Handle}: {trigger} from {State}");
}

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

/// <summary>
/// States of the call a VC hosts (CONDIS.md §3.4). <c>Idle</c>: no call yet; <c>Closed</c>: the last call closed
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
    MakeCallPended,
    MakeCallSucceeded,
    MakeCallFailed,
    Offer,
    Accept,
    Reject,
    Connect,
    RemoteClose,
    ClosePended,
    CloseSucceeded,
    CloseFailed,
}

internal sealed class VirtualConnection(string handle, AddressFamilyOpen af, VcCreator creator, string? protocolVcContext, string? callMgrVcContext)
{
    private readonly List<Party> _parties = [];
    private List<PendingOperation>? _pended;

    public string Handle { get; } = handle;

    public AddressFamilyOpen Af { get; } = af;

    public VcCreator Creator { get; } = creator;

    public string? ProtocolVcContext { get; } = protocolVcContext;

    public string? CallMgrVcContext { get; } = callMgrVcContext;

    public Activation Activation { get; private set; } = Activation.Inactive;

    /// <summary>The parameters of the last activation; discarded on deactivation.</summary>
    public CallParameters? ActiveParameters { get; private set; }

    public CallState Call { get; private set; } = CallState.Idle;

    /// <summary>The requests pended about this VC, its call or its parties (a view of the pending ledger).</summary>
    public List<PendingOperation> Pended => _pended ??= [];

    /// <summary>NDIS marks a VC closing on NdisClCloseCall (R-CALL-7).</summary>
    public bool IsClosing => Call == CallState.Closing;

    /// <summary>A call is multipoint iff the client gave a ProtocolPartyContext to NdisClMakeCall (R-PTY-1).</summary>
    public bool IsMultipoint { get; private set; }

    /// <summary>The parameters of the call as last agreed.</summary>
    public CallParameters? CallParameters { get; set; }

    /// <summary>The last offer on this VC was rejected by the client.</summary>
    public bool OfferRejected { get; set; }

    /// <summary>The last call closed while the VC was active (a lenient sandbox allows that); it must be deactivated before reuse.</summary>
    public bool DeactivationOwed { get; private set; }

    /// <summary>Count of activations, so a QoS completion can tell whether the MCM re-activated since the request.</summary>
    public long ActivationCount { get; private set; }

    public IReadOnlyList<Party> Parties => _parties;

    public bool HasCall => Call is not (CallState.Idle or CallState.Closed);

    private static CallState? Next(CallState from, CallTrigger trigger, CallState? interrupted) => (from, trigger) switch
    {
        (CallState.Idle or CallState.Closed, CallTrigger.MakeCallPended) => CallState.MakeCallPending,
        (CallState.Idle or CallState.Closed or CallState.MakeCallPending, CallTrigger.MakeCallSucceeded) => CallState.Connected,
        (CallState.Idle or CallState.Closed or CallState.MakeCallPending, CallTrigger.MakeCallFailed) => CallState.Closed,
        // NdisClCloseCall: no page forbids closing while the make call pends; the MCM completes both.
        (CallState.Closing, CallTrigger.MakeCallSucceeded or CallTrigger.MakeCallFailed) => CallState.Closing,
        (CallState.Idle or CallState.Closed, CallTrigger.Offer) => CallState.Offered,
        (CallState.Offered, CallTrigger.Accept) => CallState.Accepted,
        (CallState.Offered, CallTrigger.Reject) => CallState.Closed,
        (CallState.Accepted, CallTrigger.Connect) => CallState.Connected,
        (CallState.Offered or CallState.Accepted or CallState.Connected, CallTrigger.RemoteClose) => CallState.RemoteClosePending,
        (CallState.MakeCallPending or CallState.Accepted or CallState.Connected or CallState.RemoteClosePending, CallTrigger.ClosePended) => CallState.Closing,
        (CallState.Accepted or CallState.Connected or CallState.RemoteClosePending or CallState.Closing, CallTrigger.CloseSucceeded) => CallState.Closed,
        // A failed close leaves the call connected, or where the make call it interrupted stands.
        (CallState.Closing, CallTrigger.CloseFailed) => interrupted ?? CallState.Connected,
        _ => null,
    };

    public bool Allows(CallTrigger trigger) => Next(Call, trigger, _interrupted) is not null;

    public void Apply(CallTrigger trigger)
    {
        var from = Call;
        Call = Next(Call, trigger, _interrupted) ?? throw new InvalidOperationException($"VC {Handle}: {trigger} from {Call}");
        _interrupted = (from, trigger) switch
        {
            (CallState.MakeCallPending, CallTrigger.ClosePended) => CallState.MakeCallPending,
            (CallState.Closing, CallTrigger.MakeCallSucceeded) => CallState.Connected,
            (CallState.Closing, CallTrigger.MakeCallFailed) => CallState.Closed,
            (CallState.Closing, CallTrigger.CloseSucceeded or CallTrigger.CloseFailed) => null,
            (CallState.Closing, _) => _interrupted,
            _ => null,
        };
        if (Call == CallState.Closed)
        {
            _parties.Clear();
        }

        if (trigger == CallTrigger.CloseSucceeded)
        {
            DeactivationOwed = Activation == Activation.Active;
        }
    }

    public void StartCall(bool multipoint)
    {
        IsMultipoint = multipoint;
        OfferRejected = false;
        _parties.Clear();
    }

    public void Activate(CallParameters? parameters)
    {
        Activation = Activation.Active;
        ActiveParameters = parameters;
        ActivationCount++;
    }

    public void Deactivate()
    {
        Activation = Activation.Inactive;
        ActiveParameters = null;
        DeactivationOwed = false;
    }

    public void AddParty(Party party) => _parties.Add(party);

    public void RemoveParty(Party party) => _parties.Remove(party);

    /// <summary>Parties the client still holds a handle to, or is about to.</summary>
    public int LiveParties => _parties.Count(p => p.State is PartyState.AddPending or PartyState.Connected or PartyState.RemoteDropIndicated);

    /// <summary>Parties still connected to the remote side (or being added).</summary>
    public int RemotelyConnectedParties => _parties.Count(p => p.State is PartyState.AddPending or PartyState.Connected);

    /// <summary>Parties whose add completed and that the remote side has not dropped.</summary>
    public int ConnectedParties => _parties.Count(p => p.State == PartyState.Connected);

    /// <summary>
    /// For a close asked while the make call pended: MakeCallPending until the make call completes, then Connected or
    /// Closed as it did; where a failed close returns the call. Null for a close of a call that was set up.
    /// </summary>
    private CallState? _interrupted;
}

/// <summary>States of a party of a multipoint call (CONDIS.md §3.5). A party that is gone leaves its VC.</summary>
public enum PartyState
{
    AddPending,
    Connected,
    RemoteDropIndicated,
    DropPending,
}

internal enum PartyTrigger
{
    AddSucceeded,
    RemoteDrop,
    DropPended,
    DropFailed,
}

internal sealed class Party(string handle, VirtualConnection vc, string? protocolPartyContext)
{
    public string Handle { get; } = handle;

    public VirtualConnection Vc { get; } = vc;

    public string? ProtocolPartyContext { get; } = protocolPartyContext;

    public string? CallMgrPartyContext { get; set; }

    public PartyState State { get; private set; } = PartyState.AddPending;

    private static PartyState? Next(PartyState from, PartyTrigger trigger) => (from, trigger) switch
    {
        (PartyState.AddPending, PartyTrigger.AddSucceeded) => PartyState.Connected,
        (PartyState.Connected, PartyTrigger.RemoteDrop) => PartyState.RemoteDropIndicated,
        (PartyState.Connected or PartyState.RemoteDropIndicated, PartyTrigger.DropPended) => PartyState.DropPending,
        (PartyState.DropPending, PartyTrigger.DropFailed) => PartyState.Connected,
        _ => null,
    };

    public bool Allows(PartyTrigger trigger) => Next(State, trigger) is not null;

    public void Apply(PartyTrigger trigger) =>
        State = Next(State, trigger) ?? throw new InvalidOperationException($"Party {Handle}: {trigger} from {State}");
}

/// <summary>One request a handler pended, waiting for its completion (the pending-request ledger of CONDIS.md §9).</summary>
internal sealed class PendingOperation(string id, EventName handler, EventName completion, Role completedBy, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    /// <summary>The handler that answered PENDING, e.g. ProtocolCmCloseCall.</summary>
    public EventName Handler { get; } = handler;

    /// <summary>The function that completes it, e.g. NdisMCmCloseCallComplete.</summary>
    public EventName Completion { get; } = completion;

    /// <summary>Whose completion it waits for.</summary>
    public Role CompletedBy { get; } = completedBy;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>The AF open the request concerns, kept so a completion can echo its contexts after it closed.</summary>
    public AddressFamilyOpen? Af { get; init; }

    public string? AfHandle { get; init; }

    public string? SapHandle { get; init; }

    public string? VcHandle { get; init; }

    public string? PartyHandle { get; init; }

    public CallParameters? CallParameters { get; init; }

    /// <summary>For a call the network rejects: the Q.2931 cause its completion carries.</summary>
    public byte? Cause { get; init; }

    /// <summary>For ModifyCallQoS: the VC's activation count when the request arrived.</summary>
    public long ActivationCountAtRequest { get; init; }

    public ITimer? SelfCompletion { get; set; }
}
