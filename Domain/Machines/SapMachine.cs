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

internal sealed class ServiceAccessPoint(string handle, AddressFamilyOpen af, Sap sap, string? protocolSapContext)
{
    private static readonly SapState[] Any = [];

    /// <summary>The SAP's transition table.</summary>
    internal static readonly TransitionTable<SapState, SapTrigger, ServiceAccessPoint> Machine = new("SAP", "sap",
    [
        new([SapState.RegisterPending], SapTrigger.RegisterSucceeded, SapState.Registered),
        new([SapState.RegisterPending], SapTrigger.RegisterFailed, SapState.Gone),
        new([SapState.Registered], SapTrigger.DeregisterPended, SapState.DeregisterPending),
        new(Any, SapTrigger.DeregisterPended, Refused: Rules.DeregisterSapNotRegistered),
        new([SapState.Registered, SapState.DeregisterPending], SapTrigger.DeregisterSucceeded, SapState.Gone),
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

    public string? CallMgrSapContext { get; set; }

    public SapState State { get; private set; } = SapState.RegisterPending;

    public bool Allows(SapTrigger trigger) => Machine.Allows(State, trigger, this);

    public Rule? RefusalOf(SapTrigger trigger) => Machine.RefusalOf(State, trigger, this);

    public void Apply(SapTrigger trigger) => State = Machine.Next(State, trigger, this);
}
