using Cers.Email;
using Cers.Idp.Activation;
using Cers.Idp.Data;
using Cers.Idp.Telemetry;
using Cers.Jobs;

namespace Cers.Idp.Jobs;

public static class JobsExtensions
{
    public const string DashboardPath = "/jobs";

    /// <summary>Hangfire beside the provider's database, the email outbox, and the account jobs.</summary>
    public static IHostApplicationBuilder AddIdpJobs(this IHostApplicationBuilder builder, JobStore store)
    {
        builder.AddJobs(store, "cers-idp");
        builder.AddEmailOutbox<IdpDbContext>(IdpMetrics.MeterName);
        builder.Services.AddScoped<ActivationReminderJob>();
        builder.Services.AddScoped<PendingAccountExpiryJob>();
        builder.Services.AddRecurringJob<ActivationReminderJob>("activation-reminders", "*/15 * * * *",
            job => job.RunAsync(CancellationToken.None));
        builder.Services.AddRecurringJob<PendingAccountExpiryJob>("pending-account-expiry", "*/15 * * * *",
            job => job.RunAsync(CancellationToken.None));
        return builder;
    }
}
