namespace NdisMock.Domain;

/// <summary>What a call holds on the link while it exists.</summary>
/// <param name="Amount">ATM: cells per second; ISDN: B-channels.</param>
/// <param name="ConnectionId">ATM: the VPI/VCI pair, as an index (see <see cref="Network"/>).</param>
/// <param name="BChannels">ISDN: the channels held, as a bit mask (bit 0 = B1).</param>
public sealed record Reservation(long Amount, int? ConnectionId, uint BChannels);

/// <summary>A network's usage, as GetSandbox shows it.</summary>
public sealed record NetworkView(Medium Medium, long Capacity, long Reserved, int Calls);

/// <summary>
/// The link behind a sandbox's MCM: connection admission control and connection identifiers. An ATM call reserves its
/// peak cell rate (CBR and VBR; ABR its minimum; UBR nothing) and a VPI/VCI (UNI: VPI 0-255, VCI 32-65535, the lowest
/// free pair first); an ISDN call its B-channels (one per 64 kbit/s of peak bandwidth). Reservations are kept per VC
/// while its call exists and given back when it closes. Inside a turn each change notes how to undo it.
/// </summary>
internal sealed class Network(AdapterProfile profile, int maxVpi = 255, UndoLog? undo = null)
{
    public const ushort FirstVci = 32;
    private const int VcisPerVpi = 65536 - FirstVci;
    private const uint BytesPerBChannel = 8000;
    private readonly Dictionary<string, Reservation> _held = new(StringComparer.Ordinal);
    private readonly HashSet<int> _ids = [];
    private readonly SortedSet<int> _released = [];
    private int _next;
    private long _reserved;
    private uint _channels;

    private int ConnectionIds => (maxVpi + 1) * VcisPerVpi;

    public NetworkView View => new(profile.Medium, profile.Capacity, _reserved, _held.Count);

    public Reservation? HeldBy(string vc) => _held.GetValueOrDefault(vc);

    /// <summary>What a call with these parameters needs, in the medium's unit.</summary>
    public long Demand(CallParameters parameters) => profile.Medium == Medium.Atm ? Cells(parameters) : Channels(parameters);

    /// <summary>Why these parameters cannot be admitted now, beyond what <paramref name="vc"/> already holds; null when they can.</summary>
    public NdisStatus? Refusal(string vc, CallParameters parameters)
    {
        var held = HeldBy(vc);
        var extra = Demand(parameters) - (held?.Amount ?? 0);
        if (extra > profile.Capacity - _reserved)
        {
            // An ATM switch refuses with "user cell rate not available" (NDIS_STATUS_CELLRATE_NOT_AVAILABLE); an ISDN MCM has no channel left.
            return profile.Medium == Medium.Atm ? NdisStatuses.CellrateNotAvailable : NdisStatuses.Resources;
        }

        if (profile.Medium == Medium.Atm && held is null)
        {
            var wanted = Requested(parameters);
            var unavailable = wanted is { } id ? id < 0 || id >= ConnectionIds || _ids.Contains(id) : _ids.Count >= ConnectionIds;
            if (unavailable)
            {
                return NdisStatuses.VcNotAvailable;
            }
        }

        return null;
    }

    /// <summary>Reserves for <paramref name="vc"/> (replacing what it held) and returns the parameters with the connection ids filled in.</summary>
    public CallParameters Reserve(string vc, CallParameters parameters)
    {
        var previous = HeldBy(vc);
        Release(vc);
        var amount = Demand(parameters);
        var recording = undo is { IsRecording: true };
        var (next, reserved, allChannels) = (_next, _reserved, _channels);
        Reservation reservation;
        if (profile.Medium == Medium.Atm)
        {
            var id = previous?.ConnectionId ?? Requested(parameters) ?? NextId();
            var (wasHeld, wasReleased) = (!_ids.Add(id), _released.Remove(id));
            if (recording)
            {
                undo!.Record(() =>
                {
                    if (!wasHeld)
                    {
                        _ids.Remove(id);
                    }

                    if (wasReleased)
                    {
                        _released.Add(id);
                    }
                });
            }

            reservation = new Reservation(amount, id, 0);
        }
        else
        {
            var channels = previous?.BChannels ?? 0;
            for (var b = 0; BitCount(channels) < amount && b < 32; b++)
            {
                if ((_channels & (1u << b)) == 0)
                {
                    channels |= 1u << b;
                }
            }

            while (BitCount(channels) > amount)
            {
                channels &= ~(1u << (31 - (int)uint.LeadingZeroCount(channels)));
            }

            _channels |= channels;
            reservation = new Reservation(amount, null, channels);
        }

        _held[vc] = reservation;
        _reserved += amount;
        if (recording)
        {
            undo!.Record(() =>
            {
                _held.Remove(vc);
                (_next, _reserved, _channels) = (next, reserved, allChannels);
            });
        }

        return WithIds(parameters, reservation);
    }

    public void Release(string vc)
    {
        if (_held.Remove(vc, out var held))
        {
            var (reserved, channels) = (_reserved, _channels);
            var released = false;
            _reserved -= held.Amount;
            if (held.ConnectionId is { } id)
            {
                _ids.Remove(id);
                if (id < _next)
                {
                    released = _released.Add(id);
                }
            }

            _channels &= ~held.BChannels;
            if (undo is { IsRecording: true })
            {
                undo.Record(() =>
                {
                    _held[vc] = held;
                    (_reserved, _channels) = (reserved, channels);
                    if (held.ConnectionId is { } id)
                    {
                        _ids.Add(id);
                        if (released)
                        {
                            _released.Remove(id);
                        }
                    }
                });
            }
        }
    }

    public void Clear()
    {
        _held.Clear();
        _ids.Clear();
        _released.Clear();
        _next = 0;
        _reserved = 0;
        _channels = 0;
    }

    /// <summary>The parameters as the MCM reports them: with the VPI/VCI or the B-channels it allocated.</summary>
    public static CallParameters WithIds(CallParameters parameters, Reservation reservation)
    {
        var media = parameters.MediaParameters ?? new MediaParameters(MediaParameterFlags.TransmitVc | MediaParameterFlags.ReceiveVc, 0, 0);
        media = reservation.ConnectionId is { } id
            ? media with { Atm = (media.Atm ?? DefaultAtm()) with { Vpi = (ushort)(id / VcisPerVpi), Vci = (ushort)(FirstVci + (id % VcisPerVpi)) } }
            : media with { Isdn = new IsdnMediaParameters(reservation.BChannels) };
        return parameters with { MediaParameters = media };
    }

    private static AtmMediaParameters DefaultAtm() => CallParameterDefaults.For(AddressFamilyType.Q2931).MediaParameters!.Atm!;

    /// <summary>The connection id the parameters ask for (a VCI of 0 leaves the choice to the MCM), or -1 for one that does not exist.</summary>
    private static int? Requested(CallParameters parameters) =>
        parameters.MediaParameters?.Atm is { Vci: not 0 } atm
            ? atm.Vci < FirstVci ? -1 : (atm.Vpi * VcisPerVpi) + (atm.Vci - FirstVci)
            : null;

    /// <summary>The lowest id given back since, or else the next one never used.</summary>
    private int NextId()
    {
        if (_released.Count > 0)
        {
            return _released.Min;
        }

        while (_ids.Contains(_next))
        {
            _next++;
        }

        return _next++;
    }

    private static int BitCount(uint value) => System.Numerics.BitOperations.PopCount(value);

    private static long Cells(CallParameters parameters)
    {
        static long Flow(AtmFlowParameters f) => f.ServiceCategory switch
        {
            AtmServiceCategory.Cbr or AtmServiceCategory.Vbr => f.PeakCellRate,
            AtmServiceCategory.Abr => f.MinimumCellRate,
            _ => 0,
        };

        if (parameters.MediaParameters?.Atm is { } atm)
        {
            return Math.Max(Flow(atm.Transmit), Flow(atm.Receive));
        }

        if (parameters.CallMgrParameters?.Q2931?.TrafficDescriptor is { BestEffort: false } td)
        {
            return Math.Max(td.Forward.PeakCellRateClp01, td.Backward.PeakCellRateClp01);
        }

        // A TAPI call carried over ATM: its peak bandwidth in bytes per second, 48 payload bytes to a cell.
        return parameters.CallMgrParameters is { } cm ? (Bytes(cm) + 47) / 48 : 0;
    }

    private static long Channels(CallParameters parameters) =>
        parameters.CallMgrParameters is { } cm ? Math.Max(1, (Bytes(cm) + BytesPerBChannel - 1) / BytesPerBChannel) : 1;

    private static long Bytes(CallManagerParameters cm)
    {
        static long Peak(FlowSpec f) => f.PeakBandwidth is FlowSpec.NotSpecified or 0xFFFFFFFE ? 0 : f.PeakBandwidth;
        return Math.Max(Peak(cm.Transmit), Peak(cm.Receive));
    }
}
