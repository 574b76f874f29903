namespace NdisMock.Domain;

// The SAP machine (docs/state-machines.md#sap): a SAP from NdisClRegisterSap until it is gone. Read it against
// NdisClRegisterSap, NdisClDeregisterSap, PROTOCOL_CL_REGISTER_SAP_COMPLETE and NdisMCmDispatchIncomingCall.

/// <summary>States of a SAP (docs/state-machines.md#sap). A SAP that is gone leaves the sandbox.</summary>
public enum SapState
{
    RegisterPending,
    Registered,
    DeregisterPending,
    Gone,
}

internal enum SapTrigger
{
    /// <summary>ProtocolCmRegisterSap answered SUCCESS, or NdisMCmRegisterSapComplete(SUCCESS).</summary>
    RegisterSucceeded,

    /// <summary>NdisMCmRegisterSapComplete with a failure.</summary>
    RegisterFailed,

    /// <summary>NdisClDeregisterSap, and ProtocolCmDeregisterSap pended.</summary>
    DeregisterPended,

    /// <summary>ProtocolCmDeregisterSap answered SUCCESS, or NdisMCmDeregisterSapComplete.</summary>
    DeregisterSucceeded,

    /// <summary>NdisMCmDispatchIncomingCall offers a call on the SAP; the SAP's state does not change.</summary>
    Offer,
}

internal sealed class ServiceAccessPoint(string handle, AddressFamilyOpen af, Sap sap, string? protocolSapContext, UndoLog? undo = null)
{
    private static readonly SapState[] Any = [];
    private long _remembered = -1;
    private string? _callMgrSapContext;

    /// <summary>The SAP's transition table.</summary>
    internal static readonly TransitionTable<SapState, SapTrigger, ServiceAccessPoint> Machine = new("SAP", "sap",
    [
        new([SapState.RegisterPending], SapTrigger.RegisterSucceeded, SapState.Registered),
        new([SapState.RegisterPending], SapTrigger.RegisterFailed, SapState.Gone),
        new([SapState.Registered], SapTrigger.DeregisterPended, SapState.DeregisterPending),
        new(Any, SapTrigger.DeregisterPended, Refused: Rules.DeregisterSapNotRegistered),
        new([SapState.DeregisterPending], SapTrigger.DeregisterSucceeded, SapState.Gone),
        new([SapState.Registered], SapTrigger.DeregisterSucceeded, SapState.Gone,
            Remark: "ProtocolCmDeregisterSap answered at once; NdisClDeregisterSap still returns PENDING and NDIS calls ProtocolClDeregisterSapComplete."),
        // PROTOCOL_CL_REGISTER_SAP_COMPLETE: calls may be offered on a SAP whose registration is still pending.
        new([SapState.RegisterPending, SapState.Registered], SapTrigger.Offer),
        new([SapState.DeregisterPending], SapTrigger.Offer, Refused: Rules.DispatchOnDeregisteringSap,
            Remark: "NdisClDeregisterSap makes the handle invalid for the client at once; NDIS fails the dispatch with NDIS_STATUS_FAILURE (docs/rules.md#v-sap-04)."),
        new(Any, SapTrigger.Offer, Refused: Rules.DispatchOnWrongSap),
    ]);

    public string Handle { get; } = handle;

    public AddressFamilyOpen Af { get; } = af;

    public Sap Sap { get; } = sap;

    public string? ProtocolSapContext { get; } = protocolSapContext;

    public string? CallMgrSapContext
    {
        get => _callMgrSapContext;
        set
        {
            Remember();
            _callMgrSapContext = value;
        }
    }

    public SapState State { get; private set; } = SapState.RegisterPending;

    public bool Allows(SapTrigger trigger) => Machine.Allows(State, trigger, this);

    public Rule? RefusalOf(SapTrigger trigger) => Machine.RefusalOf(State, trigger, this);

    public void Apply(SapTrigger trigger)
    {
        var next = Machine.Next(State, trigger, this);
        Remember();
        State = next;
    }

    /// <summary>Notes this SAP's state, once per turn, so that a failing turn can put it back.</summary>
    private void Remember()
    {
        if (undo is not null && undo.Remembers(ref _remembered))
        {
            var (context, state) = (_callMgrSapContext, State);
            undo.Record(() => (_callMgrSapContext, State) = (context, state));
        }
    }
}
