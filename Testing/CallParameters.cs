using NdisMock.Client;

namespace NdisMock.Testing;

/// <summary>
/// CO_CALL_PARAMETERS as a test would write them, with the WDK's defaults: QOS_NOT_SPECIFIED (0xFFFFFFFF) where the client
/// leaves a FLOWSPEC field to the call manager, and VCI 0 so that the MCM chooses the VPI/VCI.
/// </summary>
public static class CallParameters
{
    /// <summary>FLOWSPEC's QOS_NOT_SPECIFIED, the Domain's own constant.</summary>
    public const long QosNotSpecified = Domain.FlowSpec.NotSpecified;

    private const int AtmPayload = 48;

    /// <summary>ATM (CO_ADDRESS_FAMILY_Q2931) calls to an E.164 number or an NSAP address.</summary>
    public static class Atm
    {
        /// <summary>A UBR AAL5 call: best effort, holding no cell rate.</summary>
        public static CallParametersRequest Ubr(string to, int maxSduSize = 9188) => Call(to, ServiceType.BestEffort, AtmServiceCategory.Ubr, 0, maxSduSize);

        /// <summary>A CBR AAL5 call reserving <paramref name="peakCellRate"/> cells per second in each direction.</summary>
        public static CallParametersRequest Cbr(long peakCellRate, string to, int maxSduSize = 9188) => Call(to, ServiceType.Guaranteed, AtmServiceCategory.Cbr, peakCellRate, maxSduSize);

        private static CallParametersRequest Call(string to, int serviceType, AtmServiceCategory category, long peakCellRate, int maxSduSize)
        {
            var peak = peakCellRate == 0 ? QosNotSpecified : peakCellRate * AtmPayload;
            var flow = new AtmFlowParametersRequest { ServiceCategory = category, AverageCellRate = peakCellRate, PeakCellRate = peakCellRate, MinimumCellRate = 0, MaxSduSize = maxSduSize };
            return new CallParametersRequest
            {
                Flags = [],
                CallMgrParameters = new CallManagerParametersRequest
                {
                    Transmit = FlowSpec(peak, serviceType, maxSduSize),
                    Receive = FlowSpec(peak, serviceType, maxSduSize),
                    Q2931 = new Q2931ParametersRequest
                    {
                        CalledParty = new AtmAddressRequest { AddressType = to.StartsWith('+') || to.All(char.IsDigit) ? AtmAddressType.E164 : AtmAddressType.Nsap, Address = to },
                        Aal = new AalParametersRequest { AalType = AtmAalType.Aal5, ForwardMaxCpcsSduSize = maxSduSize, BackwardMaxCpcsSduSize = maxSduSize, Mode = 1, SscsType = 0 },
                    },
                },
                MediaParameters = new MediaParametersRequest
                {
                    Flags = [MediaParameterFlag.TransmitVc, MediaParameterFlag.ReceiveVc],
                    ReceiveSizeHint = maxSduSize,
                    Atm = new AtmMediaParametersRequest { Vpi = 0, Vci = 0, AalType = AtmAalType.Aal5, Transmit = flow, Receive = Copy(flow) },
                },
            };
        }

        private static AtmFlowParametersRequest Copy(AtmFlowParametersRequest f) => new()
        {
            ServiceCategory = f.ServiceCategory, AverageCellRate = f.AverageCellRate, PeakCellRate = f.PeakCellRate, MinimumCellRate = f.MinimumCellRate, MaxSduSize = f.MaxSduSize,
        };
    }

    /// <summary>ISDN (CO_ADDRESS_FAMILY_TAPI) calls: one B-channel per 64 kbit/s of peak bandwidth.</summary>
    public static class Isdn
    {
        /// <summary>A 64 kbit/s call on one B-channel.</summary>
        public static CallParametersRequest Voice(string to) => Data(to, channels: 1);

        /// <summary>A data call of <paramref name="channels"/> × 64 kbit/s.</summary>
        public static CallParametersRequest Data(string to, int channels)
        {
            var rate = 8000L * channels; // bytes per second
            return new CallParametersRequest
            {
                Flags = [],
                CallMgrParameters = new CallManagerParametersRequest
                {
                    Transmit = FlowSpec(rate, ServiceType.Guaranteed, 1500, rate),
                    Receive = FlowSpec(rate, ServiceType.Guaranteed, 1500, rate),
                    Tapi = new TapiParametersRequest { LineId = 0, AddressId = 0, Flags = 1, DestAddress = to },
                },
            };
        }
    }

    private static FlowSpecRequest FlowSpec(long peakBandwidth, int serviceType, int maxSduSize, long tokenRate = QosNotSpecified) => new()
    {
        TokenRate = tokenRate, TokenBucketSize = maxSduSize, PeakBandwidth = peakBandwidth, Latency = QosNotSpecified, DelayVariation = QosNotSpecified,
        ServiceType = serviceType, MaxSduSize = maxSduSize, MinimumPolicedSize = QosNotSpecified,
    };

    /// <summary>FLOWSPEC ServiceType values (qos.h).</summary>
    private static class ServiceType
    {
        public const int BestEffort = 1;
        public const int Guaranteed = 3;
    }
}
