using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Cers.ServiceDefaults.SharedState;

public static class SharedStateExtensions
{
    public const string RedisConfigurationKey = "Redis:Configuration";
    public const string RedisKeyPrefixKey = "Redis:KeyPrefix";
    public const string CertificatePathKey = "DataProtection:Certificate:Path";
    public const string CertificatePasswordKey = "DataProtection:Certificate:Password";

    /// <summary>
    /// The service's <see cref="ISharedState"/>: on the Redis server <c>Redis:Configuration</c> names (a StackExchange.Redis
    /// configuration string, e.g. <c>redis.example.gov:6380,ssl=true,password=...</c>), with keys under
    /// <see cref="RedisKeyPrefix"/> and a readiness check; without it, this process's memory, which
    /// only Development accepts: elsewhere the service refuses to start, naming the setting.
    /// </summary>
    public static IHostApplicationBuilder AddSharedState(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        var configuration = builder.Configuration[RedisConfigurationKey];
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<SharedStateOptions>()
            .Configure(o => o.RedisConfigured = !string.IsNullOrWhiteSpace(configuration))
            .Validate(o => o.RedisConfigured || development, $"{RedisConfigurationKey} is required outside Development: rate limits, " +
                "replay checks and sessions must be shared by every instance of the service.")
            .ValidateOnStart();
        if (string.IsNullOrWhiteSpace(configuration))
        {
            builder.Services.TryAddSingleton<ISharedState, InMemorySharedState>();
            return builder;
        }

        return builder.AddRedisSharedState(configuration, serviceName);
    }

    /// <summary>
    /// Redis's part of <see cref="AddSharedState"/>, in a method of its own: the JIT loads the assemblies of every type a
    /// method names when it compiles it, so a service without Redis does not load StackExchange.Redis.
    /// </summary>
    private static IHostApplicationBuilder AddRedisSharedState(this IHostApplicationBuilder builder, string configuration, string serviceName)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            throw Invalid($"{RedisConfigurationKey} is not a valid Redis configuration: {e.Message}");
        }

        // Started without waiting for the server: an instance comes up while Redis restarts and reports not ready.
        options.AbortOnConnectFail = false;
        options.ClientName ??= $"cers-{serviceName}";
        builder.Services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.TryAddSingleton<ISharedState>(services => new RedisSharedState(
            services.GetRequiredService<IConnectionMultiplexer>(), builder.RedisKeyPrefix(serviceName)));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("redis",
            services => new RedisHealthCheck(services.GetRequiredService<IConnectionMultiplexer>()), HealthStatus.Unhealthy, ["ready"]));
        return builder;
    }

    /// <summary>
    /// Where the service's keys live in Redis: <c>Redis:KeyPrefix</c> (default <c>cers:</c>, so several installations can
    /// share one server) followed by the service's name.
    /// </summary>
    public static string RedisKeyPrefix(this IHostApplicationBuilder builder, string serviceName) =>
        $"{(builder.Configuration[RedisKeyPrefixKey] is { Length: > 0 } prefix ? prefix : "cers:")}{serviceName}:";

    /// <summary>
    /// Encrypts the Data Protection key ring at rest with the certificate <c>DataProtection:Certificate:Path</c>
    /// (a PFX; <c>:Password</c> when it has one), as the provider does with its own certificates. Required outside
    /// Development, where the keys sit in a shared store (a database, Redis) that others can read.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(this IDataProtectionBuilder dataProtection, IHostApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        var path = builder.Configuration[CertificatePathKey];
        builder.Services.AddOptions<SharedStateOptions>()
            .Configure(o => o.KeyCertificateConfigured = !string.IsNullOrWhiteSpace(path))
            .Validate(o => o.KeyCertificateConfigured || development,
                $"{CertificatePathKey} is required outside Development: the shared Data Protection keys are encrypted with it.")
            .ValidateOnStart();
        if (string.IsNullOrWhiteSpace(path))
        {
            return dataProtection;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, builder.Configuration[CertificatePasswordKey], X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw Invalid($"{CertificatePathKey} could not be read as a PFX certificate with {CertificatePasswordKey}: {e.Message}");
        }

        if (!certificate.HasPrivateKey)
        {
            throw Invalid($"{CertificatePathKey} has no private key; the Data Protection keys could not be read back.");
        }

        // Keys are unprotected with the certificate itself: it is loaded from a file, not from a certificate store.
        return dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    private static OptionsValidationException Invalid(string message) =>
        new("SharedState", typeof(SharedStateOptions), [message]);

    /// <summary>What was configured, for the checks at start (several messages at once, with the service's others).</summary>
    private sealed class SharedStateOptions
    {
        public bool RedisConfigured { get; set; }

        public bool KeyCertificateConfigured { get; set; }
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer.");
            }
        }
    }
}

public static class SharedStateOutageExtensions
{
    /// <summary>
    /// A request that needed the shared state while Redis did not answer gets 503 with Retry-After (the service's error
    /// page, or <paramref name="write"/>'s body, e.g. an OAuth error), not a 500: nothing it asked for was done.
    /// </summary>
    public static IApplicationBuilder UseSharedStateOutageAnswer(this IApplicationBuilder app, Func<HttpContext, Task>? write = null) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (SharedStateUnavailableException) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "5";
                if (write is not null)
                {
                    await write(context);
                }
            }
        });
}
