namespace NdisMock.Domain;

/// <summary>Call parameters an MCM picks when a caller leaves them to it.</summary>
public static class CallParameterDefaults
{
    // A UBR AAL5 connection, the usual best-effort data VC of an ATM LAN.
    private static readonly CallParameters Atm = new(
        CallParameterFlags.None,
        new CallManagerParameters(
            Transmit: new FlowSpec(FlowSpec.NotSpecified, 9188, 18_720_000, FlowSpec.NotSpecified, FlowSpec.NotSpecified, 1, 9188, FlowSpec.NotSpecified),
            Receive: new FlowSpec(FlowSpec.NotSpecified, 9188, 18_720_000, FlowSpec.NotSpecified, FlowSpec.NotSpecified, 1, 9188, FlowSpec.NotSpecified),
            Q2931: new Q2931CallManagerParameters(null, null, new AalParameters(AtmAalType.Aal5, 9188, 9188, 1, 0))),
        new MediaParameters(
            MediaParameterFlags.TransmitVc | MediaParameterFlags.ReceiveVc, 0, 9188,
            new AtmMediaParameters(0, 0, AtmAalType.Aal5,
                new AtmFlowParameters(AtmServiceCategory.Ubr, 0, 353_207, 0, 9188),
                new AtmFlowParameters(AtmServiceCategory.Ubr, 0, 353_207, 0, 9188))));

    // One 64 kbit/s B-channel (8,000 bytes/s), as a TAPI MCM reports it in PeakBandwidth.
    private static readonly CallParameters Isdn = new(
        CallParameterFlags.None,
        new CallManagerParameters(
            Transmit: new FlowSpec(8000, 1500, 8000, FlowSpec.NotSpecified, FlowSpec.NotSpecified, 3, 1500, FlowSpec.NotSpecified),
            Receive: new FlowSpec(8000, 1500, 8000, FlowSpec.NotSpecified, FlowSpec.NotSpecified, 3, 1500, FlowSpec.NotSpecified),
            Tapi: new TapiCallManagerParameters(0, 0, 0x1, null)),
        new MediaParameters(MediaParameterFlags.TransmitVc | MediaParameterFlags.ReceiveVc, 0, 1500));

    public static CallParameters For(AddressFamilyType family) => family == AddressFamilyType.Q2931 ? Atm : Isdn;
}
