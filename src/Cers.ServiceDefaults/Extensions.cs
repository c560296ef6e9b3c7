using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Telemetry, health checks, service discovery and HTTP resilience shared by every CERS service
/// (the eShop ServiceDefaults shape).
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";
    private const string ReadinessEndpointPath = "/health/ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddForwardedHeaders();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The hosting layer's "Request starting/finished" lines carry each URL's query string, and CERS's URLs carry
        // secrets there: the emailed activation, reset and email-change links' single-use tokens, an authorization
        // response's code. Whatever configuration asks, that category logs warnings only; a request's path and status
        // are in its trace (whose url.query OpenTelemetry redacts). A rule naming a provider outranks any rule that
        // names none, so the rule is added for every registered provider too, after configuration's own.
        const string RequestLines = "Microsoft.AspNetCore.Hosting.Diagnostics";
        builder.Services.AddOptions<LoggerFilterOptions>().PostConfigure<IEnumerable<ILoggerProvider>>((filters, providers) =>
        {
            foreach (var provider in providers.Select(p => p.GetType().FullName).Distinct().Prepend(null))
            {
                filters.Rules.Add(new LoggerFilterRule(provider, RequestLines, null, (_, _, level) => level >= LogLevel.Warning));
            }
        });

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                // Each service's own meter (Cers.Idp, Cers.FacilityApi): what it issued, sent and decided.
                .AddMeter("Cers.*")
                // MailKit's SMTP client: connections, operations and their durations, by server and error.
                .AddMeter("mailkit.net.*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                // CERS's own spans: one per job run (Cers.Jobs), one per email delivered (Cers.Email), each linked to
                // the trace that owed the work.
                .AddSource("Cers.*")
                // MailKit's SMTP conversation (connect, authenticate, send), under the email's span.
                .AddSource("MailKit.*")
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath, StringComparison.Ordinal)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath, StringComparison.Ordinal))
                .AddHttpClientInstrumentation()
                // A client span per command EF Core runs, on every engine. Its text has literals sanitized and no
                // parameter values (the default), so no address, hash or token reaches a trace. Hangfire's own
                // storage polling is not EF Core and is left out.
                .AddEntityFrameworkCoreInstrumentation());

        // The exporter is on only where an OTLP endpoint is configured (the Aspire dashboard sets it).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check), <c>/health/ready</c> (readiness: the checks tagged <c>ready</c>, the service's
    /// database and Redis, for a load balancer's traffic decisions) and <c>/alive</c> (liveness only, cheap: the
    /// process answers; an orchestrator restarts it when not). All are anonymous and say only Healthy/Unhealthy, so
    /// they reveal nothing about the deployment.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(ReadinessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains("ready"),
        });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains("live"),
        });
        return app;
    }
}
