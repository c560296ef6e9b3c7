using Cers.Email.Logging;
using Cers.Email.Outbox;
using Cers.Email.Smtp;
using Cers.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cers.Email;

public static class EmailHostingExtensions
{
    /// <summary>
    /// The email outbox of <typeparamref name="TContext"/>: settings (validated), MailKit sender, delivery job
    /// on the service's Hangfire host (<see cref="JobsHostingExtensions.AddJobs"/> first), commit interceptor, a
    /// recurring delivery run as safety net, and delivery at start of what a previous run left owed. The caller
    /// adds <see cref="OutboxCommitInterceptor{TContext}"/> to its DbContext options. The outbox's instruments
    /// (<see cref="EmailMetrics"/>) go on the service's own meter, <paramref name="meterName"/>.
    /// </summary>
    public static IHostApplicationBuilder AddEmailOutbox<TContext>(this IHostApplicationBuilder builder, string meterName)
        where TContext : DbContext
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
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

        // What SMTP servers say back names the recipient; the logs keep the domain only (TextWithEmailAddresses).
        builder.Services.AddRedaction(redaction => redaction.SetRedactor<EmailAddressRedactor>(CersDataClasses.TextWithEmailAddresses));
        builder.Logging.EnableRedaction();

        builder.Services.AddSingleton<EmailOutbox>();
        builder.Services.AddSingleton(services => new EmailMetrics(
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), meterName, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<SmtpEmailSender>();
        // MailKit's SMTP spans and instruments exist only once asked for (ServiceDefaults exports them).
        MailKit.Telemetry.SmtpClient.Configure();
        builder.Services.AddSingleton<OutboxCommitInterceptor<TContext>>();
        builder.Services.AddScoped<OutboxOperations<TContext>>();
        builder.AddDueWork<OutboxSignal<TContext>, OutboxDeliveryJob<TContext>>("email-outbox-delivery",
            job => job.DeliverDueAsync(CancellationToken.None));
        return builder;
    }
}
