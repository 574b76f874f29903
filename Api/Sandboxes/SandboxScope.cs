using Microsoft.AspNetCore.Mvc;
using NdisMock.Domain;

namespace NdisMock.Api.Sandboxes;

/// <summary>
/// The sandbox a request under <c>/sandboxes/{sandboxId}</c> is about, as a handler parameter (<c>[AsParameters]</c>):
/// binding <c>sandboxId</c> from the route declares it in the OpenAPI document, so the signature is the contract. The
/// key check has already admitted the request to this sandbox before any handler parameter is bound.
/// </summary>
internal readonly struct SandboxScope
{
    public SandboxScope([FromRoute(Name = "sandboxId")] string sandboxId, HttpContext http)
    {
        SandboxId = sandboxId;
        Http = http;
    }

    /// <summary>The sandbox's id, as the route gave it.</summary>
    public string SandboxId { get; }

    public HttpContext Http { get; }

    /// <summary>The hosted sandbox the key check admitted this request to.</summary>
    public SandboxEntry Entry => Http.Sandbox();

    /// <summary>The adapter, its MCM and NDIS.</summary>
    public Sandbox Sandbox => Entry.Sandbox;
}
