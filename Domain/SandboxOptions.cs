namespace NdisMock.Domain;

/// <summary>Who performs the MCM's documented duties around completions.</summary>
public enum McmDuties
{
    /// <summary>The MCM activates before a successful make-call completion and before an incoming dispatch,
    /// deactivates before a close completion, and deletes its own VCs after their call closed.</summary>
    Auto,

    /// <summary>The user performs those steps; the verifier checks their order.</summary>
    Manual,
}

/// <summary>How the ordering questions the WDK answers two ways are judged (docs/rules.md#v-call-03, #v-call-06).</summary>
public enum Strictness
{
    /// <summary>Reference-page order: deactivate before completing a close, activate before dispatching.</summary>
    Strict,

    /// <summary>Guide-page order is accepted and recorded as a warning.</summary>
    Lenient,
}

public enum Medium
{
    Atm,
    Isdn,
}

/// <summary>A simulated adapter: its medium, its capacity, and what its MCM supports.</summary>
/// <param name="Capacity">ATM: cells per second of payload the link carries; ISDN: B-channels.</param>
public sealed record AdapterProfile(
    string Name,
    string Description,
    Medium Medium,
    long Capacity,
    bool SupportsMultipoint,
    bool SupportsCloseData)
{
    // 149.76 Mbit/s of SONET STS-3c payload in 53-byte (424-bit) cells; 25.6 Mbit/s likewise.
    public static readonly AdapterProfile AtmOc3 = new("AtmOc3", "ATM OC-3c, 149.76 Mbit/s of cell payload (353,207 cells/s)", Medium.Atm, 353_207, true, false);
    public static readonly AdapterProfile Atm25 = new("Atm25", "ATM 25.6 Mbit/s (60,377 cells/s)", Medium.Atm, 60_377, true, false);
    public static readonly AdapterProfile IsdnBri = new("IsdnBri", "ISDN BRI, 2 B-channels of 64 kbit/s", Medium.Isdn, 2, false, false);
    public static readonly AdapterProfile IsdnPriT1 = new("IsdnPriT1", "ISDN PRI on T1, 23 B-channels", Medium.Isdn, 23, false, false);
    public static readonly AdapterProfile IsdnPriE1 = new("IsdnPriE1", "ISDN PRI on E1, 30 B-channels", Medium.Isdn, 30, false, false);

    public static IReadOnlyList<AdapterProfile> All { get; } = [AtmOc3, Atm25, IsdnBri, IsdnPriT1, IsdnPriE1];

    public static AdapterProfile? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>What a sandbox is created with.</summary>
public sealed record SandboxOptions
{
    public AdapterProfile Profile { get; init; } = AdapterProfile.AtmOc3;

    public McmDuties Duties { get; init; } = McmDuties.Auto;

    public Strictness Strictness { get; init; } = Strictness.Strict;

    /// <summary>What the MCM answers a SAP another client holds: INVALID_DATA per PROTOCOL_CM_REG_SAP.</summary>
    public NdisStatus SapInUseStatus { get; init; } = NdisStatuses.InvalidData;

    /// <summary>How many journal events a sandbox keeps.</summary>
    public int JournalCapacity { get; init; } = 100_000;

    /// <summary>How many violations a sandbox keeps.</summary>
    public int ViolationCapacity { get; init; } = 10_000;

    /// <summary>How many VCs a sandbox may hold at once.</summary>
    public int MaxVcs { get; init; } = 100_000;

    /// <summary>How many pended requests a sandbox may hold at once.</summary>
    public int MaxPendingOperations { get; init; } = 10_000;

    /// <summary>How many address family opens a sandbox may hold at once.</summary>
    public int MaxAddressFamilies { get; init; } = 1_000;

    /// <summary>How many SAPs a sandbox may hold at once.</summary>
    public int MaxSaps { get; init; } = 1_000;

    /// <summary>How many parties (of all multipoint calls) a sandbox may hold at once.</summary>
    public int MaxParties { get; init; } = 100_000;

    /// <summary>How many routing rules a sandbox may hold.</summary>
    public int MaxRoutes { get; init; } = 1_000;

    /// <summary>With a virtual clock, the sandbox's time stands still until AdvanceClock moves it.</summary>
    public bool VirtualClock { get; init; }

    /// <summary>
    /// Every asynchronous client request returns NDIS_STATUS_PENDING and NDIS delivers its completion callback, even when
    /// the MCM's handler (or NDIS itself) answers at once, so that each of the client's completion handlers is exercised.
    /// Off: a synchronous answer is returned as it is wherever the request's page allows that.
    /// </summary>
    public bool AlwaysPend { get; init; }
}
