using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace NdisMock.Hubs;

public static class HubRegistration
{
    public const string Path = "/hubs/ndis";

    /// <summary>SignalR with the JSON (configured like the REST API) and MessagePack protocols, and the event feeds.</summary>
    public static IServiceCollection AddNdisHub(this IServiceCollection services, Action<JsonSerializerOptions> configureJson)
    {
        services.AddSignalR(options => options.AddFilter<RefusalLoggingHubFilter>())
            .AddJsonProtocol(options => configureJson(options.PayloadSerializerOptions))
            .AddMessagePackProtocol();
        // SignalR's own lifetime manager, keeping each connection by id for the feeds (a closed type wins over SignalR's open one).
        services.AddSingleton<NdisHubConnections>();
        services.AddSingleton<HubLifetimeManager<NdisHub>>(provider => provider.GetRequiredService<NdisHubConnections>());
        services.AddSingleton<IHubConnections>(provider => provider.GetRequiredService<NdisHubConnections>());
        services.AddOptions<EventFeedsOptions>();
        services.AddSingleton<EventFeeds>();
        services.AddSingleton<IEventFeeds>(provider => provider.GetRequiredService<EventFeeds>());
        return services;
    }

    /// <summary>Maps the hub; the host adds its conventions (rate limits) to the builder returned.</summary>
    public static HubEndpointConventionBuilder MapNdisHub(this IEndpointRouteBuilder app) => app.MapHub<NdisHub>(Path);
}
