namespace NdisMock.Api.OpenApi;

/// <summary>
/// Request bodies that work when sent as they are, after the steps before them (handles travel in the path, which Try it
/// out asks for). Swagger UI replaces an empty example object with a sample made from the schema ("string" for every
/// text), so an example where everything may be left out names one field as null: NULL is the WDK's own default there.
/// The seed scenario: open an ATM address family, create a VC, make a call, complete it, close it, complete
/// the close.
/// </summary>
internal static class Examples
{
    private const string AtmCallParameters = """
        {
          "flags": [],
          "callMgrParameters": {
            "transmit": { "tokenRate": 4294967295, "tokenBucketSize": 9188, "peakBandwidth": 18720000, "latency": 4294967295, "delayVariation": 4294967295, "serviceType": 1, "maxSduSize": 9188, "minimumPolicedSize": 4294967295 },
            "receive":  { "tokenRate": 4294967295, "tokenBucketSize": 9188, "peakBandwidth": 18720000, "latency": 4294967295, "delayVariation": 4294967295, "serviceType": 1, "maxSduSize": 9188, "minimumPolicedSize": 4294967295 },
            "q2931": {
              "calledParty": { "addressType": "Nsap", "address": "47.0005.80FFE1000000F21A3D40.0020481A3D41.00" },
              "aal": { "aalType": "Aal5", "forwardMaxCpcsSduSize": 9188, "backwardMaxCpcsSduSize": 9188, "mode": 1, "sscsType": 0 }
            }
          },
          "mediaParameters": {
            "flags": ["TransmitVc", "ReceiveVc"],
            "receivePriority": 0,
            "receiveSizeHint": 9188,
            "atm": {
              "vpi": 0, "vci": 100, "aalType": "Aal5",
              "transmit": { "serviceCategory": "Ubr", "averageCellRate": 0, "peakCellRate": 44150, "minimumCellRate": 0, "maxSduSize": 9188 },
              "receive":  { "serviceCategory": "Ubr", "averageCellRate": 0, "peakCellRate": 44150, "minimumCellRate": 0, "maxSduSize": 9188 }
            }
          }
        }
        """;

    private const string IsdnCallParameters = """
        {
          "flags": [],
          "callMgrParameters": {
            "transmit": { "tokenRate": 16000, "tokenBucketSize": 1500, "peakBandwidth": 16000, "latency": 4294967295, "delayVariation": 4294967295, "serviceType": 3, "maxSduSize": 1500, "minimumPolicedSize": 4294967295 },
            "receive":  { "tokenRate": 16000, "tokenBucketSize": 1500, "peakBandwidth": 16000, "latency": 4294967295, "delayVariation": 4294967295, "serviceType": 3, "maxSduSize": 1500, "minimumPolicedSize": 4294967295 },
            "tapi": { "lineId": 0, "addressId": 0, "flags": 1, "destAddress": "+4930123456" }
          }
        }
        """;

    /// <summary>Further named examples, shown in Swagger UI's example list next to the default one.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(string Name, string Summary, string Json)>> Named { get; } =
        new Dictionary<string, IReadOnlyList<(string, string, string)>>
        {
            ["NdisClMakeCall"] =
            [
                ("atm", "ATM: a UBR AAL5 call to an NSAP address (AtmOc3 or Atm25 sandbox, Q2931 family)", $$"""{ "callParameters": {{AtmCallParameters}} }"""),
                ("atmCbr", "ATM: a CBR call reserving 44,150 cells/s, to a number a route can answer or reject", """{ "callParameters": { "flags": [], "callMgrParameters": { "transmit": { "tokenRate": 4294967295, "tokenBucketSize": 9188, "peakBandwidth": 4294967295, "latency": 4294967295, "delayVariation": 4294967295, "serviceType": 2, "maxSduSize": 9188, "minimumPolicedSize": 4294967295 }, "receive": { "tokenRate": 4294967295, "tokenBucketSize": 9188, "peakBandwidth": 4294967295, "latency": 4294967295, "delayVariation": 4294967295, "serviceType": 2, "maxSduSize": 9188, "minimumPolicedSize": 4294967295 }, "q2931": { "calledParty": { "addressType": "E164", "address": "+15550100" } } }, "mediaParameters": { "flags": ["TransmitVc", "ReceiveVc"], "receivePriority": 0, "receiveSizeHint": 9188, "atm": { "vpi": 0, "vci": 0, "aalType": "Aal5", "transmit": { "serviceCategory": "Cbr", "averageCellRate": 44150, "peakCellRate": 44150, "minimumCellRate": 0, "maxSduSize": 9188 }, "receive": { "serviceCategory": "Cbr", "averageCellRate": 44150, "peakCellRate": 44150, "minimumCellRate": 0, "maxSduSize": 9188 } } } } }"""),
                ("isdn", "ISDN: a 128 kbit/s call (two B-channels) to +4930123456 (IsdnBri sandbox, Tapi family)", $$"""{ "callParameters": {{IsdnCallParameters}} }"""),
            ],
            ["CreateSandbox"] =
            [
                ("atm", "An ATM OC-3c adapter", """{ "profile": "AtmOc3" }"""),
                ("isdn", "An ISDN BRI adapter (2 B-channels) on a virtual clock", """{ "profile": "IsdnBri", "clock": "Virtual" }"""),
            ],
            ["NdisClOpenAddressFamilyEx"] =
            [
                ("atm", "ATM (Q.2931)", """{ "addressFamily": "CO_ADDRESS_FAMILY_Q2931", "clientAfContext": "my-atm-af" }"""),
                ("isdn", "ISDN (TAPI)", """{ "addressFamily": "CO_ADDRESS_FAMILY_TAPI", "clientAfContext": "my-isdn-af" }"""),
            ],
        };

    public static IReadOnlyDictionary<string, string> Requests { get; } = new Dictionary<string, string>
    {
        ["AdvanceClock"] = """{ "by": "00:00:02" }""",
        ["SetRoute"] = """{ "outcome": "Busy", "answerDelay": "00:00:00.500" }""",
        ["CreateSandbox"] = """{ "profile": "AtmOc3", "duties": "auto", "strictness": "strict" }""",
        ["SetBehavior"] = """{ "mode": "Pend", "status": "NDIS_STATUS_SUCCESS", "completeAfter": "00:00:00.050", "failNext": 1, "failStatus": "NDIS_STATUS_CELLRATE_NOT_AVAILABLE" }""",
        ["CompletePendingOperation"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisClOpenAddressFamilyEx"] = """{ "addressFamily": "CO_ADDRESS_FAMILY_Q2931", "clientAfContext": "my-atm-af" }""",
        ["NdisClNotifyCloseAddressFamilyComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisClRegisterSap"] = """{ "protocolSapContext": "my-sap", "sap": { "sapType": "Nsap", "value": "47.0005.80FFE1000000F21A3D40.0020481A3D40.00" } }""",
        ["NdisCoCreateVc"] = """{ "protocolVcContext": "my-vc" }""",
        ["NdisClMakeCall"] = $$"""{ "callParameters": {{AtmCallParameters}} }""",
        ["NdisClCloseCall"] = """{ "ndisPartyHandle": null }""",
        ["NdisClModifyCallQoS"] = $$"""{ "callParameters": {{AtmCallParameters}} }""",
        ["NdisClIncomingCallComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisClAddParty"] = """{ "protocolPartyContext": "my-second-party" }""",
        ["NdisClDropParty"] = """{ "closeData": null }""",
        ["NdisMCmCreateVc"] = """{ "miniportVcContext": "mcm-vc", "protocolVcContext": "my-incoming-vc" }""",
        ["NdisMCmActivateVc"] = $$"""{ "callParameters": {{AtmCallParameters}} }""",
        ["NdisMCmDispatchIncomingCall"] = $$"""{ "callParameters": {{AtmCallParameters}} }""",
        ["NdisMCmDispatchIncomingCloseCall"] = """{ "cause": 16 }""",
        ["NdisMCmDispatchIncomingDropParty"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisMCmDispatchIncomingCallQoSChange"] = $$"""{ "callParameters": {{AtmCallParameters}} }""",
        ["NdisMCmOpenAddressFamilyComplete"] = """{ "status": "NDIS_STATUS_SUCCESS", "callMgrAfContext": "mcm-af" }""",
        ["NdisMCmCloseAddressFamilyComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisMCmRegisterSapComplete"] = """{ "status": "NDIS_STATUS_SUCCESS", "callMgrSapContext": "mcm-sap" }""",
        ["NdisMCmDeregisterSapComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisMCmMakeCallComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisMCmCloseCallComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisMCmAddPartyComplete"] = """{ "status": "NDIS_STATUS_SUCCESS", "callMgrPartyContext": "mcm-party" }""",
        ["NdisMCmDropPartyComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisMCmModifyCallQoSComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
    };
}
