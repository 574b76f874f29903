using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NdisMock.Api.Sandboxes;
using NdisMock.Domain;

namespace NdisMock.Api.Tests;

/// <summary>A turn that throws (issue 16) is the server's error: a 500 problem, after the turn rolled back; the sandbox goes on.</summary>
public sealed class RollbackApiTests(NdisMockApplication app) : IClassFixture<NdisMockApplication>
{
    [Fact]
    public async Task ATurnThatThrows_IsA500Problem_TheSandboxIsAsItWas_AndGoesOnWorking()
    {
        var created = await app.NewSandboxAsync();
        var vc = await created.ConnectedCallAsync(await created.OpenAfAsync());

        // A client that lets a 5xx through: this one request is meant to be the server's error.
        var sandbox = new HttpSandbox(app.CreateClient(), created.Id, created.Key);
        var live = app.Services.GetRequiredService<SandboxStore>().Find(sandbox.Id)!.Sandbox;
        var (state, events) = (await sandbox.StateAsync(), await sandbox.LastSequenceAsync());
        var armed = true;
        live.EventAppended += e =>
        {
            if (armed && e.Name == EventName.ProtocolCmCloseCall)
            {
                armed = false;
                throw new InvalidOperationException("injected mid-turn");
            }
        };

        var failed = await sandbox.Post($"/client/vcs/{vc}/call/close");

        Assert.Equal((HttpStatusCode.InternalServerError, "application/problem+json"), (failed.Status, failed.ContentType));
        Assert.Equal((state, events), (await sandbox.StateAsync(), await sandbox.LastSequenceAsync()));
        var closed = HttpSandbox.Ok(await created.Post($"/client/vcs/{vc}/call/close"));
        Assert.Equal("NDIS_STATUS_PENDING", closed["status"]);
    }
}
