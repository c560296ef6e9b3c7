using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cers.Jobs;

public static class JobsHostingExtensions
{
    /// <summary>
    /// Hangfire: storage in <paramref name="store"/>, a server in this process unless <c>Jobs:RunServer</c> is
    /// false (<see cref="RunsServer"/>), and the recurring jobs declared with <see cref="AddRecurringJob"/>.
    /// </summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder, JobStore store, string serverName)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(store);
        builder.Services.AddOptions<JobServerOptions>()
            .BindConfiguration(JobServerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Each service registers its own storage instance rather than relying on Hangfire's static
        // JobStorage.Current, which several hosts in one process (the tests) would overwrite.
        builder.Services.AddSingleton<JobStorage>(services =>
            store.CreateStorage(services.GetRequiredService<IOptions<JobServerOptions>>().Value));

        // Hangfire's default activator is the static JobActivator.Current, which the last host to start
        // sets: a second host in the process would run this host's jobs with its own services.
        builder.Services.AddSingleton<JobActivator>(services =>
            new Hangfire.AspNetCore.AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()));

        builder.Services.AddHangfire((services, config) => config
            .UseLogProvider(new ProcessWideLogProvider(services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        JobTracing.AddFilterOnce();

        if (builder.RunsServer())
        {
            builder.Services.AddHangfireServer((services, server) =>
            {
                var jobs = services.GetRequiredService<IOptions<JobServerOptions>>().Value;
                server.ServerName = $"{serverName}:{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
                server.WorkerCount = jobs.WorkerCount;
                server.SchedulePollingInterval = jobs.SchedulePollingInterval;
                server.ShutdownTimeout = jobs.ShutdownTimeout;
                server.StopTimeout = jobs.ShutdownTimeout;
                server.Activator = services.GetRequiredService<JobActivator>();
            });
            builder.Services.AddHostedService<RecurringJobRegistration>();
        }

        return builder;
    }

    /// <summary>Whether this instance runs a Hangfire server (<c>Jobs:RunServer</c>, true unless set false).</summary>
    public static bool RunsServer(this IHostApplicationBuilder builder) =>
        builder.Configuration.GetValue(JobServerOptions.SectionName + ":" + nameof(JobServerOptions.RunServer), true);

    /// <summary>Declares a recurring job; the cron expression is UTC.</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string id, string cron,
        System.Linq.Expressions.Expression<Func<TJob, Task>> run)
    {
        services.AddSingleton(new RecurringJobDefinition(id, cron, (manager, jobId, jobCron) =>
            manager.AddOrUpdate(jobId, run, jobCron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc })));
        return services;
    }

    /// <summary>
    /// Work committed to the database and done by a job (an outbox): <typeparamref name="TSignal"/> starts its runs, a
    /// recurring run every minute (<paramref name="recurringJobId"/>) is the safety net, and, where this process runs a job
    /// server, a run at start does at once what a previous process left owed (a restart between commit and run).
    /// </summary>
    public static IHostApplicationBuilder AddDueWork<TSignal, TJob>(this IHostApplicationBuilder builder, string recurringJobId,
        System.Linq.Expressions.Expression<Func<TJob, Task>> run)
        where TSignal : DueWorkSignal
        where TJob : class
    {
        builder.Services.AddSingleton<TSignal>();
        builder.Services.AddScoped<TJob>();
        builder.Services.AddRecurringJob(recurringJobId, "* * * * *", run);
        if (builder.RunsServer())
        {
            builder.Services.AddHostedService<DueWorkAtStart<TSignal>>();
        }

        return builder;
    }

    /// <summary>The Hangfire dashboard at <paramref name="path"/>, for callers that satisfy <paramref name="policy"/> only.</summary>
    public static WebApplication MapJobsDashboard(this WebApplication app, string path, string policy)
    {
        app.UseHangfireDashboard(path, new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new PolicyDashboardAuthorization(policy)],
            DashboardTitle = "CERS jobs",
            AppPath = "/",
        }, app.Services.GetRequiredService<JobStorage>());
        return app;
    }

    private sealed class PolicyDashboardAuthorization(string policy) : IDashboardAsyncAuthorizationFilter
    {
        public async Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
            return (await authorization.AuthorizeAsync(http.User, policy)).Succeeded;
        }
    }

    private sealed class RecurringJobRegistration(IEnumerable<RecurringJobDefinition> definitions, IRecurringJobManager manager) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var definition in definitions)
            {
                definition.Register(manager, definition.Id, definition.Cron);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>At start, work left owed by a previous run is done at once, not at the next recurring run.</summary>
internal sealed class DueWorkAtStart<TSignal>(TSignal signal) : IHostedService
    where TSignal : DueWorkSignal
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        signal.Nudge();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
