// The yardstick: a bare ASP.NET Core minimal API answering a JSON POST, and a bare SignalR broadcast, to all clients or to
// a group (what NdisMock's fan-out to a sandbox's subscribers does).
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddSignalR();
var app = builder.Build();

app.MapPost("/json", (Payload payload) => TypedResults.Ok(new Answer("NDIS_STATUS_SUCCESS", "0x00000000", payload.Context)));
app.MapPost("/broadcast", async (IHubContext<PingHub> hub, long sent) =>
{
    await hub.Clients.All.SendAsync("Ping", sent);
    return TypedResults.Ok();
});
app.MapPost("/broadcast/{group}", async (IHubContext<PingHub> hub, string group, long sent) =>
{
    await hub.Clients.Group(group).SendAsync("Ping", sent);
    return TypedResults.Ok();
});
// The bytes allocated so far (what NdisMock's System.Runtime meter reports), so the benchmark can show the framework's
// own allocation per request beside NdisMock's.
app.MapGet("/allocated", () => GC.GetTotalAllocatedBytes());
app.MapHub<PingHub>("/hub");
await app.RunAsync();

internal sealed record Payload(string? Context);

internal sealed record Answer(string Status, string StatusCode, string? Context);

internal sealed class PingHub : Hub
{
    public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);
}
