using Cers.Idp.Sessions.Logout;
using Cers.Jobs;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Sessions;

public static class SessionsExtensions
{
    /// <summary>
    /// Server-side sessions. Registered after <c>AddAccounts</c>, so the session check wraps (runs before) Identity's
    /// security-stamp check and the absolute-lifetime check. Their lifetimes are the <c>Sessions</c> section
    /// (<see cref="SessionLifetimeOptions"/>, validated at start by <c>AddAccounts</c>). An ended session owes each
    /// relying party that took part in it a back-channel logout (<see cref="LogoutDeliveryExtensions.AddLogoutDelivery"/>).
    /// </summary>
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProviderSessions>();
        builder.Services.AddScoped<ExpiredSessionCleanupJob>();
        builder.Services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure(cookie => SessionCookieEvents.Attach(cookie.Events));
        builder.Services.AddRecurringJob<ExpiredSessionCleanupJob>("expired-sessions", "*/15 * * * *",
            job => job.RunAsync(CancellationToken.None));
        builder.AddLogoutDelivery();
        return builder;
    }
}
