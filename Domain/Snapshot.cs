namespace NdisMock.Domain;

/// <summary>A sandbox's whole state at one instant.</summary>
public sealed record SandboxSnapshot(
    AdapterProfile Profile,
    NetworkView Network,
    IReadOnlyList<RoutingRule> Routes,
    bool VirtualClock,
    DateTimeOffset Now,
    McmDuties Duties,
    Strictness Strictness,
    bool AlwaysPend,
    IReadOnlyList<CoAddressFamily> RegisteredAddressFamilies,
    IReadOnlyList<AddressFamilyView> AddressFamilies,
    IReadOnlyList<SapView> Saps,
    IReadOnlyList<VcView> Vcs,
    IReadOnlyList<PendingOperationView> PendingOperations,
    SandboxCounters Counters);

public sealed record AddressFamilyView(string NdisAfHandle, CoAddressFamily AddressFamily, AfState State, string? ClientAfContext, string? CallMgrAfContext);

public sealed record SapView(string NdisSapHandle, string NdisAfHandle, Sap Sap, SapState State, string? ProtocolSapContext, string? CallMgrSapContext);

public sealed record VcView(
    string NdisVcHandle,
    string NdisAfHandle,
    VcCreator Creator,
    Activation Activation,
    CallState CallState,
    bool Closing,
    bool Multipoint,
    bool QosChangePending,
    string? ProtocolVcContext,
    string? CallMgrVcContext,
    CallParameters? CallParameters,
    CallParameters? ActiveParameters,
    IReadOnlyList<PartyView> Parties);

public sealed record PartyView(string NdisPartyHandle, PartyState State, string? ProtocolPartyContext, string? CallMgrPartyContext);

/// <summary>A request that a handler pended and that waits for its completion.</summary>
public sealed record PendingOperationView(
    string PendingOperationId,
    EventName Handler,
    EventName Completion,
    Role CompletedBy,
    DateTimeOffset CreatedAt,
    string? NdisAfHandle,
    string? NdisSapHandle,
    string? NdisVcHandle,
    string? NdisPartyHandle,
    CallParameters? CallParameters,
    bool SelfCompletes);

public sealed record SandboxCounters(long Events, long OldestEventKept, long Violations, int AddressFamilies, int Saps, int Vcs, int Parties, int PendingOperations);
