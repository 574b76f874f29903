namespace NdisMock.Api.Tests;

/// <summary>The CoNDIS sequences of docs/flows.md as REST calls, for tests that watch them from another channel.</summary>
public static class Scenarios
{
    private static readonly object Success = new { status = "NDIS_STATUS_SUCCESS" };

    /// <summary>Each scenario: the sandbox options it needs, and its steps.</summary>
    public static IReadOnlyDictionary<string, (object Options, Func<SandboxApi, Task> Run)> All { get; } =
        new Dictionary<string, (object, Func<SandboxApi, Task>)>
        {
            ["7.1 outgoing call"] = (new { duties = "manual" }, OutgoingCall),
            ["7.2 incoming call"] = (new { }, IncomingCall),
            ["7.3 remote close"] = (new { }, RemoteClose),
            ["7.4 multipoint"] = (new { }, Multipoint),
            ["7.5 MCM VC reuse"] = (new { duties = "manual" }, McmVcReuse),
            ["7.6 AF teardown"] = (new { }, AfTeardown),
        };

    public static async Task OutgoingCall(SandboxApi s)
    {
        var af = await s.OpenAfAsync("af71");
        var vc = await s.CreateVcAsync(af, "vc71");
        await Ok(s.Post($"/client/vcs/{vc}/call"));
        await Ok(s.Post($"/mcm/vcs/{vc}/activate"));
        await Ok(s.Post($"/mcm/vcs/{vc}/make-call-complete", Success));
        await Ok(s.Post($"/client/vcs/{vc}/call/close"));
        await Ok(s.Post($"/mcm/vcs/{vc}/deactivate"));
        await Ok(s.Post($"/mcm/vcs/{vc}/close-call-complete", Success));
        await Ok(s.Delete($"/client/vcs/{vc}"));
    }

    public static async Task IncomingCall(SandboxApi s)
    {
        var af = await s.OpenAfAsync("af72");
        var sap = (await Ok(s.Post($"/client/address-families/{af}/saps", new { protocolSapContext = "sap72", sap = new { sapType = "Nsap", value = "47.72" } })))["ndisSapHandle"];
        var accepted = (await Ok(s.Post($"/mcm/address-families/{af}/vcs", new { protocolVcContext = "in72" })))["ndisVcHandle"];
        await Ok(s.Post($"/mcm/saps/{sap}/vcs/{accepted}/incoming-call"));
        await Ok(s.Post($"/client/vcs/{accepted}/incoming-call/complete", Success));
        await Ok(s.Post($"/mcm/vcs/{accepted}/call-connected"));
        var rejected = (await Ok(s.Post($"/mcm/address-families/{af}/vcs", new { protocolVcContext = "rej72" })))["ndisVcHandle"];
        await Ok(s.Post($"/mcm/saps/{sap}/vcs/{rejected}/incoming-call"));
        await Ok(s.Post($"/client/vcs/{rejected}/incoming-call/complete", new { status = "NDIS_STATUS_NOT_SUPPORTED" }));
    }

    public static async Task RemoteClose(SandboxApi s)
    {
        var vc = await s.ConnectedCallAsync(await s.OpenAfAsync("af73"));
        await Ok(s.Post($"/mcm/vcs/{vc}/incoming-close", new { status = "NDIS_STATUS_SUCCESS", closeData = "bye" }));
        var closed = await Ok(s.Post($"/client/vcs/{vc}/call/close"));
        await Ok(s.Post($"/pending/{closed["pendingOperationId"]}/complete", Success));
        await Ok(s.Delete($"/client/vcs/{vc}"));
    }

    public static async Task Multipoint(SandboxApi s)
    {
        var vc = await s.CreateVcAsync(await s.OpenAfAsync("af74"), "vc74");
        var p1 = (await Ok(s.Post($"/client/vcs/{vc}/call", new { protocolPartyContext = "p1" })))["ndisPartyHandle"];
        await Ok(s.Post($"/mcm/vcs/{vc}/make-call-complete", new { status = "NDIS_STATUS_SUCCESS", ndisPartyHandle = p1, callMgrPartyContext = "cm1" }));
        var p2 = (await Ok(s.Post($"/client/vcs/{vc}/parties", new { protocolPartyContext = "p2" })))["ndisPartyHandle"];
        await Ok(s.Post($"/mcm/parties/{p2}/add-complete", new { status = "NDIS_STATUS_SUCCESS", callMgrPartyContext = "cm2" }));
        await Ok(s.Post($"/mcm/parties/{p2}/incoming-drop", Success));
        await Ok(s.Post($"/client/parties/{p2}/drop"));
        await Ok(s.Post($"/mcm/parties/{p2}/drop-complete", Success));
        await Ok(s.Post($"/client/vcs/{vc}/call/close", new { ndisPartyHandle = p1 }));
        await Ok(s.Post($"/mcm/vcs/{vc}/close-call-complete", new { status = "NDIS_STATUS_SUCCESS", ndisPartyHandle = p1 }));
        await Ok(s.Delete($"/client/vcs/{vc}"));
    }

    public static async Task McmVcReuse(SandboxApi s)
    {
        var af = await s.OpenAfAsync("af75");
        var sap = (await Ok(s.Post($"/client/address-families/{af}/saps", new { sap = new { sapType = "E164", value = "+1555" } })))["ndisSapHandle"];
        var vc = (await Ok(s.Post($"/mcm/address-families/{af}/vcs", new { protocolVcContext = "vc75" })))["ndisVcHandle"];
        for (var round = 0; round < 2; round++)
        {
            await Ok(s.Post($"/mcm/vcs/{vc}/activate"));
            await Ok(s.Post($"/mcm/saps/{sap}/vcs/{vc}/incoming-call"));
            await Ok(s.Post($"/client/vcs/{vc}/incoming-call/complete", Success));
            await Ok(s.Post($"/mcm/vcs/{vc}/call-connected"));
            await Ok(s.Post($"/mcm/vcs/{vc}/incoming-close", Success));
            await Ok(s.Post($"/client/vcs/{vc}/call/close"));
            await Ok(s.Post($"/mcm/vcs/{vc}/deactivate"));
            await Ok(s.Post($"/mcm/vcs/{vc}/close-call-complete", Success));
        }

        await Ok(s.Delete($"/mcm/vcs/{vc}"));
    }

    public static async Task AfTeardown(SandboxApi s)
    {
        await Ok(s.Put("/behaviors/ProtocolCmCloseAf", new { mode = "Pend" }));
        var af = await s.OpenAfAsync("af76");
        var vc = await s.ConnectedCallAsync(af);
        await Ok(s.Post($"/mcm/address-families/{af}/notify-close"));
        var closed = await Ok(s.Post($"/client/vcs/{vc}/call/close"));
        await Ok(s.Post($"/pending/{closed["pendingOperationId"]}/complete", Success));
        await Ok(s.Delete($"/client/vcs/{vc}"));
        await Ok(s.Delete($"/client/address-families/{af}"));
        await Ok(s.Post($"/mcm/address-families/{af}/close-complete", Success));
        await Ok(s.Post($"/client/address-families/{af}/close-notification/complete", Success));
    }

    private static async Task<Reply> Ok(Task<Reply> reply) => SandboxApi.Ok(await reply);
}
