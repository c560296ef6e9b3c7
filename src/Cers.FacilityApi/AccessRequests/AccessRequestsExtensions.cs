using Cers.Jobs;

namespace Cers.FacilityApi.AccessRequests;

public static class AccessRequestsExtensions
{
    public static IHostApplicationBuilder AddAccessRequests(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccessRequestOptions>()
            .BindConfiguration(AccessRequestOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ReminderAfter < o.ExpireAfter, "AccessRequests:ReminderAfter must be shorter than AccessRequests:ExpireAfter.")
            .Validate(o => o.EscalateAfter < o.ExpireAfter, "AccessRequests:EscalateAfter must be shorter than AccessRequests:ExpireAfter.")
            .Validate(o => o.MaxPerHour <= o.MaxPerDay, "AccessRequests:MaxPerHour must not be more than AccessRequests:MaxPerDay.")
            .ValidateOnStart();
        builder.Services.AddScoped<AccessRequestRouter>();
        builder.Services.AddScoped<AccessRequestCreation>();
        builder.Services.AddScoped<AccessRequestDecisions>();
        builder.Services.AddScoped<AccessRequestEmails>();
        builder.Services.AddScoped<Email.FacilityEmailWriter>();
        builder.Services.AddScoped<PendingAccessRequestJobs>();

        // Expiry first in each quarter hour, so a request about to expire is not reminded or escalated first.
        builder.Services.AddRecurringJob<PendingAccessRequestJobs>("access-request-expiry", "0,15,30,45 * * * *",
            job => job.ExpireAsync(CancellationToken.None));
        builder.Services.AddRecurringJob<PendingAccessRequestJobs>("access-request-escalation", "5,20,35,50 * * * *",
            job => job.EscalateAsync(CancellationToken.None));
        builder.Services.AddRecurringJob<PendingAccessRequestJobs>("access-request-reminders", "10,25,40,55 * * * *",
            job => job.RemindAsync(CancellationToken.None));
        return builder;
    }
}
