using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using NdisMock.Api.AsyncApi;
using NdisMock.Api.Cluster;
using NdisMock.Api.Diagrams;
using NdisMock.Api.Durability;
using NdisMock.Api.Observation;
using NdisMock.Api.Reports;
using NdisMock.Api.OpenApi;
using NdisMock.Api.Roles;
using NdisMock.Api.Sandboxes;
using NdisMock.Hubs;
using OpenTelemetry.Metrics;

namespace NdisMock.Api;

/// <summary>
/// NdisMock as one web application: what <c>dotnet run --project Api</c> serves, and what the test kit
/// (NdisMock.Testing) hosts in-process. Build's configure callback runs after NdisMock's own registrations, so it
/// can replace any of them (the clock, settings).
/// </summary>
public static class NdisMockHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<SandboxHostingOptions>()
            .BindConfiguration(SandboxHostingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section);
        builder.Services.AddNdisLimits();
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        builder.Services.AddSingleton<RequestReplayer>();
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.IsDurable)
        {
            builder.Services.AddSingleton(services => new SandboxLog(services.GetRequiredService<IOptions<StorageOptions>>().Value));
            builder.Services.AddSingleton(services => new DurableSandboxes(
                services.GetRequiredService<SandboxLog>(), services.GetRequiredService<RequestReplayer>(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<DurableSandboxes>>()));
            builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        }

        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        builder.Services.AddSingleton(services => new SandboxStore(
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IOptions<SandboxHostingOptions>>(),
            services.GetRequiredService<IOptions<OperatorOptions>>(), services.GetRequiredService<IEventFeeds>(),
            services.GetRequiredService<ILogger<SandboxStore>>(), services.GetService<DurableSandboxes>()));
        builder.Services.AddSingleton<ISandboxDirectory>(services => services.GetRequiredService<SandboxStore>());
        if (cluster.Enabled)
        {
            builder.AddNdisCluster(storage, cluster,
                builder.Configuration.GetSection(SandboxHostingOptions.Section).Get<SandboxHostingOptions>()?.TimeToLive ?? new SandboxHostingOptions().TimeToLive);
        }

        builder.Services.AddNdisHub(Json.Configure);
        builder.Services.AddOptions<EventFeedsOptions>().Configure<IOptions<SandboxHostingOptions>>((feeds, limits) =>
        {
            feeds.MaxSubscriptionsPerConnection = limits.Value.MaxSubscriptionsPerConnection;
            feeds.MaxSubscribersPerSandbox = limits.Value.MaxSubscribersPerSandbox;
            feeds.MaxReplayPerSubscribe = limits.Value.MaxReplayPerSubscribe;
        });

        // The hub's refusal filter logs each refusal once (Information, no arguments); SignalR's dispatcher would log it again at Error.
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.None);
        builder.Services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(options => Json.Configure(options.JsonSerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddValidation();
        builder.Services.PostConfigure<Microsoft.Extensions.Validation.ValidationOptions>(ValidationInfoCache.Install);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequests>();
        builder.Services.AddNdisMockSwagger();
        builder.Services.AddHealthChecks().AddCheck<SandboxStoreHealthCheck>("sandboxes", tags: ["ready"]);
        builder.Services.AddSingleton<NdisMetrics>();
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<SandboxHostingOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodySize);
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // Scraped at Operator__MetricsPath; a scrape reads the meters now, not a copy kept for a while. System.Runtime is
            // .NET's own meter: GC heap sizes, pauses and bytes allocated (the benchmark's allocation per request reads it).
            metrics.AddMeter(NdisMetrics.MeterName, "System.Runtime").AddAspNetCoreInstrumentation()
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<OperatorOptions>>((forwarded, configured) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in configured.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<OperatorOptions>>((cors, configured) =>
            cors.AddDefaultPolicy(policy => policy.WithOrigins(configured.Value.CorsOrigins).AllowAnyHeader().AllowAnyMethod()
                .WithExposedHeaders("Location", "Retry-After")));

        configure?.Invoke(builder);
        var app = builder.Build();
        var operatorOptions = app.Services.GetRequiredService<IOptions<OperatorOptions>>().Value;

        // First, so that the limits per client and the logs see the client behind the proxy.
        if (operatorOptions.ForwardedHeaders)
        {
            app.UseForwardedHeaders();
        }

        // In a cluster a request for a sandbox goes to its grain, which runs it through the rest of this pipeline on its node.
        if (cluster.Enabled)
        {
            app.Services.GetRequiredService<ClusterForwarding>().UseClusterForwarding(app);
        }

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A request the framework could not read is the caller's mistake, answered with a 400 problem: not an error to log.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        // A bare status (no route, wrong method) answers a problem in JSON whatever Accept asks, like every other refusal.
        app.UseStatusCodePages(context => ProblemCatalogue.Unanswered(context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
        app.Services.GetRequiredService<NdisMetrics>().Observe(app);
        app.UseRequestHygiene();
        app.UseRequestBodyLimit();
        app.UseLivePages();
        app.UseMemoryBudget();

        // From here on, the pipeline a sandbox's log is replayed through when it is rebuilt.
        var store = app.Services.GetRequiredService<SandboxStore>();
        app.Services.GetRequiredService<RequestReplayer>().CapturePipeline(app);
        app.UseRouting();

        // Before the key check, so that a browser's preflight (which carries no key) is answered.
        if (operatorOptions.CorsOrigins.Length > 0)
        {
            app.UseCors();
        }

        app.UseRateLimiter();
        app.UseSandboxKeys();
        if (store.Durable is { } durable)
        {
            durable.UseDurableAnswers(app, store);

            // A single durable node rebuilds every sandbox in storage once the pipeline exists (until then a request
            // rebuilds its own first); in a cluster each sandbox is rebuilt where its grain is activated.
            if (!cluster.Enabled)
            {
                app.Lifetime.ApplicationStarted.Register(() => _ = store.LoadAllAsync());
            }
        }

        // Swashbuckle's middleware has the document provider injected into every request it sees, which builds a new
        // generator each time: only requests for the documents under /swagger go through it.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase), swagger => swagger.UseSwagger());
        if (operatorOptions.SwaggerUi)
        {
            app.UseSwaggerUI(options =>
            {
                options.DocumentTitle = "NdisMock";
                options.SwaggerEndpoint("/swagger/v1/swagger.json", "NdisMock v1");
                // A reload keeps the keys entered in Authorize; operations stay in the document's (flow) order.
                options.EnablePersistAuthorization();
                options.DisplayOperationId();
            });
        }

        if (!string.IsNullOrEmpty(operatorOptions.MetricsPath))
        {
            app.MapPrometheusScrapingEndpoint(operatorOptions.MetricsPath).ExcludeFromDescription();
        }


        app.MapHealth();
        app.MapSandboxes();
        app.MapClientRole();
        app.MapMcmRole();
        app.MapObservation();
        app.MapDiagram();
        app.MapReport();
        app.MapNdisHub().RequireRateLimiting(Limits.NegotiatePolicy);
        app.MapAsyncApiDocument();
        return app;
    }
}
