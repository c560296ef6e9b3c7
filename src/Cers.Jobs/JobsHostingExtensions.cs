using Cers.Email.Outbox;
using Cers.Email.Smtp;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cers.Email.Jobs;

public static class JobsHostingExtensions
{
    /// <summary>
    /// Hangfire (storage in <paramref name="store"/>, a server in this process unless
    /// <c>Jobs:RunServer</c> is false) and the email outbox of <typeparamref name="TContext"/>:
    /// MailKit sender, delivery job, commit interceptor and a recurring delivery run as safety net.
    /// The caller adds <see cref="OutboxCommitInterceptor{TContext}"/> to its DbContext options.
    /// </summary>
    public static IHostApplicationBuilder AddJobsAndEmail<TContext>(this IHostApplicationBuilder builder, JobStore store, string serverName)
        where TContext : DbContext
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<JobServerOptions>()
            .BindConfiguration(JobServerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<EmailOptions>()
            .BindConfiguration(EmailOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.Smtp.UserName) == string.IsNullOrEmpty(o.Smtp.Password),
                "Email:Smtp:UserName and Email:Smtp:Password must be set together.")
            .Validate(o => o.Smtp.Security is MailKit.Security.SecureSocketOptions.StartTls or MailKit.Security.SecureSocketOptions.SslOnConnect
                    or MailKit.Security.SecureSocketOptions.None,
                "Email:Smtp:Security must be StartTls, SslOnConnect, or None (a local development server only).")
            .Validate(o => string.IsNullOrEmpty(o.Smtp.UserName) || o.Smtp.Security != MailKit.Security.SecureSocketOptions.None,
                "Email:Smtp:UserName is set but Email:Smtp:Security is None: the password would cross the network unencrypted.")
            .ValidateOnStart();

        // Each service registers its own storage instance rather than relying on Hangfire's static
        // JobStorage.Current, which several hosts in one process (the tests) would overwrite.
        builder.Services.AddSingleton<JobStorage>(services =>
        {
            var jobs = services.GetRequiredService<IOptions<JobServerOptions>>().Value;
            return store switch
            {
                JobStore.SqliteFile file => new SQLiteStorage(file.Path, new SQLiteStorageOptions
                {
                    QueuePollInterval = jobs.QueuePollInterval,
                }),
                JobStore.SqlServer sql => new SqlServerStorage(sql.Connect, new SqlServerStorageOptions
                {
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = TimeSpan.Zero,
                    SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
                    UseRecommendedIsolationLevel = true,
                    DisableGlobalLocks = true,
                }),
                _ => throw new InvalidOperationException($"Unknown job store {store}."),
            };
        });

        // Hangfire's default activator is the static JobActivator.Current, which the last host to start
        // sets: a second host in the process would run this host's jobs with its own services.
        builder.Services.AddSingleton<JobActivator>(services =>
            new Hangfire.AspNetCore.AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()));

        builder.Services.AddHangfire((services, config) => config
            .UseLogProvider(new ProcessWideLogProvider(services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        var runServer = builder.Configuration.GetValue(JobServerOptions.SectionName + ":" + nameof(JobServerOptions.RunServer), true);
        if (runServer)
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
            builder.Services.AddHostedService<OutboxStartupDelivery<TContext>>();
        }

        builder.Services.AddSingleton<EmailOutbox>();
        builder.Services.AddSingleton<SmtpEmailSender>();
        builder.Services.AddSingleton<OutboxSignal<TContext>>();
        builder.Services.AddSingleton<OutboxCommitInterceptor<TContext>>();
        builder.Services.AddScoped<OutboxDeliveryJob<TContext>>();
        builder.Services.AddRecurringJob<OutboxDeliveryJob<TContext>>("email-outbox-delivery", "* * * * *",
            job => job.DeliverDueAsync(CancellationToken.None));
        return builder;
    }

    /// <summary>Declares a recurring job; the cron expression is UTC.</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string id, string cron,
        System.Linq.Expressions.Expression<Func<TJob, Task>> run)
    {
        services.AddSingleton(new RecurringJobDefinition(id, cron, (manager, jobId, jobCron) =>
            manager.AddOrUpdate(jobId, run, jobCron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc })));
        return services;
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

    /// <summary>At start, emails left owed by a previous run (a restart between commit and delivery) go out at once, not at the next recurring run.</summary>
    private sealed class OutboxStartupDelivery<TContext>(OutboxSignal<TContext> signal) : IHostedService
        where TContext : DbContext
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            signal.Nudge();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
