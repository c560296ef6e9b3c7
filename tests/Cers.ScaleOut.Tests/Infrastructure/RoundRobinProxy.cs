using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Cers.ScaleOut.Tests.Infrastructure;

/// <summary>
/// A load balancer on a loopback port in front of a service's instances (YARP): round robin, no session affinity, so
/// consecutive requests of one browser land on different instances. The original Host header is passed on, so each
/// instance builds the addresses users see (redirect URIs, links) on the balancer's. An instance that stops answering
/// is taken out by the active health check on <c>/alive</c> (every second) and by failed requests (passive).
/// </summary>
public sealed class RoundRobinProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RoundRobinProxy(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>A proxy on a port of its own, to be pointed at instances later (<see cref="StartAsync(int, IReadOnlyList{Uri})"/>).</summary>
    public static int ReservePort() => Loopback.FreePort();

    public static async Task<RoundRobinProxy> StartAsync(int port, IReadOnlyList<Uri> instances)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                new RouteConfig
                {
                    RouteId = "all",
                    ClusterId = "instances",
                    Match = new RouteMatch { Path = "{**rest}" },
                    Transforms = [new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" }],
                },
            ],
            [
                new ClusterConfig
                {
                    ClusterId = "instances",
                    LoadBalancingPolicy = "RoundRobin",
                    Destinations = instances.Select((address, i) => (address, i))
                        .ToDictionary(d => $"instance-{d.i}", d => new DestinationConfig { Address = d.address.ToString() }),
                    HealthCheck = new HealthCheckConfig
                    {
                        Active = new ActiveHealthCheckConfig
                        {
                            Enabled = true,
                            Interval = TimeSpan.FromSeconds(1),
                            Timeout = TimeSpan.FromSeconds(1),
                            Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                            Path = "/alive",
                        },
                        Passive = new PassiveHealthCheckConfig
                        {
                            Enabled = true,
                            Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                            ReactivationPeriod = TimeSpan.FromMinutes(5),
                        },
                    },
                },
            ]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new RoundRobinProxy(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
