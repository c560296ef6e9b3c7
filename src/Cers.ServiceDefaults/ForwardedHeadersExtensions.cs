using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the load balancers and reverse proxies whose
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> a service believes. Only a request arriving from
/// one of them has its client address and scheme taken from those headers; from anyone else the headers
/// are ignored, so a client cannot pick the address its rate limits and audit records are kept under.
/// Nothing is trusted unless named here, loopback included (name 127.0.0.1 for a proxy on the same host).
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Single proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of proxies in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may be believed (the entries of <c>X-Forwarded-For</c> read from the right).</summary>
    public int ForwardLimit { get; set; } = 1;
}

public static class ForwardedHeadersExtensions
{
    /// <summary>The host's own switch, which would believe forwarded headers from anyone; refused at start.</summary>
    private const string TrustEveryoneSwitch = "FORWARDEDHEADERS_ENABLED";

    public static TBuilder AddForwardedHeaders<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ForwardedHeadersSettings>()
            .BindConfiguration(ForwardedHeadersSettings.SectionName)
            .Validate(s => s.KnownProxies.All(p => IPAddress.TryParse(p, out _)),
                "ForwardedHeaders:KnownProxies must hold IP addresses, such as 10.0.0.5.")
            .Validate(s => s.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "ForwardedHeaders:KnownNetworks must hold networks in CIDR form, such as 10.0.0.0/24.")
            .Validate(s => s.ForwardLimit is >= 1 and <= 10, "ForwardedHeaders:ForwardLimit must be from 1 to 10.")
            .Validate(_ => !builder.Configuration.GetValue<bool>(TrustEveryoneSwitch),
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED would believe X-Forwarded-For from any client, who could then choose the " +
                "address its rate limits are counted under. Remove it and name the load balancers in ForwardedHeaders:KnownProxies " +
                "or ForwardedHeaders:KnownNetworks instead.")
            .ValidateOnStart();

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, configured) =>
        {
            var settings = configured.Value;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = settings.ForwardLimit;

            // Only what is configured: the framework's default trusts loopback, which on a shared host is anyone on it.
            // (Empty lists would mean "trust everyone" to the middleware, so it is not used at all then.)
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The older list, kept in step by the framework; cleared in case it is not.
            options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var proxy in settings.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>
    /// First in the pipeline, so everything after it (rate limits, audit, HTTPS checks) sees the client's own
    /// address. With no proxy named, the headers are not read at all: the middleware would take empty lists as
    /// "believe anyone".
    /// </summary>
    public static WebApplication UseKnownForwardedHeaders(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value;
        if (settings.KnownProxies.Count > 0 || settings.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
