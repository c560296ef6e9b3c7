using Cers.Jobs;

namespace Cers.Idp.Sessions.Logout;

public static class LogoutDeliveryExtensions
{
    /// <summary>
    /// OpenID Connect Back-Channel Logout, the provider's side: the clients' <c>BackChannelLogoutUri</c>s, the logout
    /// token writer, and delivery of what ended sessions owe (the <c>LogoutDelivery</c> section,
    /// <see cref="LogoutDeliveryOptions"/>). The caller adds <see cref="BackChannelLogoutCommitInterceptor"/> to the
    /// database context.
    /// </summary>
    public static IHostApplicationBuilder AddLogoutDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LogoutDeliveryOptions>()
            .BindConfiguration(LogoutDeliveryOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.FirstRetryDelay <= o.MaxRetryDelay, "LogoutDelivery:FirstRetryDelay must not exceed LogoutDelivery:MaxRetryDelay.")
            .ValidateOnStart();
        builder.Services.AddSingleton<BackChannelLogoutClients>();
        builder.Services.AddSingleton<LogoutTokenWriter>();
        builder.Services.AddSingleton<BackChannelLogoutCommitInterceptor>();

        builder.Services.AddSingleton<LogoutPoster>();
        builder.AddDueWork<BackChannelLogoutSignal, BackChannelLogoutJob>("backchannel-logout-delivery",
            job => job.DeliverDueAsync(CancellationToken.None));
        return builder;
    }
}
