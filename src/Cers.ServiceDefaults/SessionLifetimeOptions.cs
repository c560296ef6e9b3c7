using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The <c>Sessions</c> section of the services that keep browser sessions (the provider, the portal): a
/// session slides while the person is active (<see cref="IdleTimeout"/>) but never lasts past
/// <see cref="AbsoluteLifetime"/> after it began (OWASP ASVS 3.3.2), however active they stay: then they
/// sign in again.
/// </summary>
public sealed class SessionLifetimeOptions
{
    public const string SectionName = "Sessions";

    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(8);

    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);
}

public static class SessionLifetimeExtensions
{
    public static IServiceCollection AddSessionLifetime(this IServiceCollection services)
    {
        services.AddOptions<SessionLifetimeOptions>()
            .BindConfiguration(SessionLifetimeOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.IdleTimeout <= o.AbsoluteLifetime, "Sessions:IdleTimeout must not be longer than Sessions:AbsoluteLifetime.")
            .ValidateOnStart();
        return services;
    }
}
