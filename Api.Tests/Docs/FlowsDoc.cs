using System.Text;
using System.Text.RegularExpressions;

namespace NdisMock.Api.Tests.Docs;

/// <summary>
/// docs/flows.md: the CoNDIS flows of <see cref="Scenarios"/>, each drawn by GetSequenceDiagram from the journal a real
/// run of it left in a fresh sandbox. The sandbox's random handle tag is taken out, so the page is the same each run.
/// </summary>
public static partial class FlowsDoc
{
    public const string Path = "docs/flows.md";

    private static readonly (string Scenario, string Title, string About)[] Flows =
    [
        ("7.1 outgoing call", "Outgoing call",
            "The client opens an ATM address family, creates a VC and makes a call the MCM pends; the MCM activates the VC and "
            + "completes the call; the client closes it, the MCM deactivates the VC and completes the close "
            + "(ProtocolClCloseCallComplete), and the client deletes the VC."),
        ("7.2 incoming call", "Incoming call, accepted and rejected",
            "The client registers a SAP; the MCM creates a VC, dispatches an incoming call on it, the client accepts and the MCM "
            + "reports the call connected. A second offer is rejected with NDIS_STATUS_NOT_SUPPORTED."),
        ("7.3 remote close", "Remote close",
            "A connected call is cleared by the network: the MCM dispatches the incoming close, the client closes its side and the "
            + "pended close is completed, then the VC is deleted."),
        ("7.4 multipoint", "Point-to-multipoint call",
            "A call made with a first party; a second party is added, the network drops it (an incoming drop) and the client "
            + "drops it too; the call is then closed naming its last party, and the VC deleted."),
        ("7.5 MCM VC reuse", "An MCM-created VC used again",
            "A VC the MCM created carries two incoming calls in turn: each is activated, offered, accepted, connected, cleared by "
            + "the network, closed by the client and deactivated before the close completes; the MCM then deletes the VC."),
        ("7.6 AF teardown", "Address family teardown",
            "The MCM asks the client to close an address family that still carries a call: the client closes the call, deletes "
            + "the VC and closes the address family, whose close the MCM pends and then completes; last, the client completes the notification."),
    ];

    public static async Task<string> RenderAsync(NdisMockApplication app)
    {
        var text = new StringBuilder();
        text.Append("# CoNDIS flows\n\n");
        text.Append(DocsGenerator.Banner("the journals of Api.Tests/Scenarios.cs, drawn by GetSequenceDiagram"));
        text.Append("Each flow below is what NdisMock's journal recorded when the scenario ran against it, drawn as ");
        text.Append("`GET /sandboxes/{id}/diagram` draws it: one arrow per journal event, an activation bar while a request is ");
        text.Append("pended, the pending operation a completion closes, and the network's part as open arrows.\n");
        foreach (var (scenario, title, about) in Flows)
        {
            var (options, run) = Scenarios.All[scenario];
            var sandbox = await app.NewSandboxAsync(options);
            await run(sandbox);
            var (status, _, diagram) = await sandbox.GetTextAsync("/diagram?after=0", "text/vnd.mermaid");
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            await sandbox.Delete("");
            text.Append($"\n## {title}\n\n{about}\n\n```mermaid\n{WithoutTag(diagram).TrimEnd()}\n```\n");
        }

        Assert.Equal(Scenarios.All.Count, Flows.Length);
        return text.ToString();
    }

    /// <summary>"op-k3x9-2" becomes "op-2": the tag differs per sandbox, the counter is the flow's own.</summary>
    private static string WithoutTag(string diagram) => Handle().Replace(diagram, "$1-$2");

    [GeneratedRegex(@"\b(af|sap|vc|party|op)-[a-z0-9]+-(\d+)\b")]
    private static partial Regex Handle();
}
