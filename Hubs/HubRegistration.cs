using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace NdisMock.Hubs;

public static class HubRegistration
{
    public const string Path = "/hubs/ndis";

    /// <summary>SignalR with the JSON (configured like the REST API) and MessagePack protocols, and the event feeds.</summary>
    public static IServiceCollection AddNdisHub(this IServiceCollection services, Action<JsonSerializerOptions> configureJson)
    {
        services.AddSignalR()
            .AddJsonProtocol(options => configureJson(options.PayloadSerializerOptions))
            .AddMessagePackProtocol();
        services.AddSingleton<IEventFeeds, EventFeeds>();
        return services;
    }

    public static IEndpointRouteBuilder MapNdisHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<NdisHub>(Path);
        return app;
    }
}
