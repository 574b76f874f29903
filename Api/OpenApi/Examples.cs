namespace NdisMock.Api.OpenApi;

/// <summary>
/// Request bodies that work when sent as they are, after the steps before them (handles travel in the path, which Try it
/// out asks for). The seed scenario: open an ATM address family, create a VC, make a call, complete it, close it, complete
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

    public static IReadOnlyDictionary<string, string> Requests { get; } = new Dictionary<string, string>
    {
        ["CreateSandbox"] = """{ "profile": "AtmOc3", "duties": "auto", "strictness": "strict" }""",
        ["SetBehavior"] = """{ "mode": "Pend", "status": "NDIS_STATUS_SUCCESS", "completeAfter": "00:00:00.050" }""",
        ["CompletePendingOperation"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisClOpenAddressFamilyEx"] = """{ "addressFamily": "Q2931", "clientAfContext": "my-atm-af" }""",
        ["NdisClNotifyCloseAddressFamilyComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisClRegisterSap"] = """{ "protocolSapContext": "my-sap", "sap": { "sapType": "Nsap", "value": "47.0005.80FFE1000000F21A3D40.0020481A3D40.00" } }""",
        ["NdisCoCreateVc"] = """{ "protocolVcContext": "my-vc" }""",
        ["NdisClMakeCall"] = $$"""{ "callParameters": {{AtmCallParameters}} }""",
        ["NdisClCloseCall"] = """{ }""",
        ["NdisClModifyCallQoS"] = $$"""{ "callParameters": {{AtmCallParameters}} }""",
        ["NdisClIncomingCallComplete"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
        ["NdisClAddParty"] = """{ "protocolPartyContext": "my-second-party" }""",
        ["NdisClDropParty"] = """{ }""",
        ["NdisMCmCreateVc"] = """{ "miniportVcContext": "mcm-vc", "protocolVcContext": "my-incoming-vc" }""",
        ["NdisMCmActivateVc"] = """{ }""",
        ["NdisMCmDispatchIncomingCall"] = """{ }""",
        ["NdisMCmDispatchIncomingCloseCall"] = """{ "status": "NDIS_STATUS_SUCCESS" }""",
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
