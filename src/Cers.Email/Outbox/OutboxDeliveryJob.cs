using System.Net.Sockets;
using Cers.Email.Logging;
using Cers.Email.Smtp;
using Hangfire;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cers.Email.Outbox;

/// <summary>
/// Sends what the outbox owes, at least once. A run claims a batch of due emails by moving their
/// <see cref="OutboxEmail.NextAttemptAt"/> forward by a lease with a conditional update (so two runs,
/// on one server or two, never claim the same email), sends them over one SMTP connection, and records
/// each as sent, or pushes it back with a doubling delay. A crash between sending and recording leaves
/// the claim to lapse and the email is sent again under the same Message-ID.
/// </summary>
public sealed partial class OutboxDeliveryJob<TContext>(
    TContext db,
    SmtpEmailSender sender,
    OutboxSignal<TContext> signal,
    EmailMetrics metrics,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<OutboxDeliveryJob<TContext>> logger)
    where TContext : DbContext
{
    /// <summary>Most batches one run sends; a larger backlog is left to the next run so a run stays short.</summary>
    private const int MaxBatchesPerRun = 20;

    /// <summary>
    /// Not retried by Hangfire: a run that fails (the database refused a claim or a record) asks for another run
    /// after <see cref="OutboxSettings.FirstRetryDelay"/> instead, so what it left owed is not left to the recurring run,
    /// a minute away, and a database that stays down is not hammered.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        signal.RunStarted();
        var sent = 0;
        try
        {
            for (var batch = 0; batch < MaxBatchesPerRun; batch++)
            {
                var claimed = await ClaimAsync(cancellationToken);
                if (claimed.Count == 0)
                {
                    break;
                }

                sent += await SendAsync(claimed, claimed[0].ClaimToken!.Value, cancellationToken);
            }

            await ScheduleNextRetryAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var retryIn = options.Value.Outbox.FirstRetryDelay;
            LogRunFailed(logger, sent, retryIn, ex);
            signal.RetryAt(time.GetUtcNow().UtcDateTime + retryIn);
            throw;
        }

        return sent;
    }

    private async Task<List<OutboxEmail>> ClaimAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Outbox;
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.Set<OutboxEmail>()
            .Where(e => e.SentAt == null && e.FailedAt == null && e.DiscardedAt == null && e.NextAttemptAt <= now)
            .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Id)
            .Select(e => e.Id)
            .Take(settings.BatchSize)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return [];
        }

        var claim = Guid.NewGuid();
        var leaseEnd = now + settings.ClaimLease;
        await db.Set<OutboxEmail>()
            .Where(e => due.Contains(e.Id) && e.SentAt == null && e.FailedAt == null && e.DiscardedAt == null && e.NextAttemptAt <= now)
            .ExecuteUpdateAsync(set => set
                .SetProperty(e => e.ClaimToken, claim)
                .SetProperty(e => e.NextAttemptAt, leaseEnd), cancellationToken);

        return await db.Set<OutboxEmail>()
            .Where(e => e.ClaimToken == claim && e.SentAt == null)
            .OrderBy(e => e.Id)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
    }

    private async Task<int> SendAsync(List<OutboxEmail> claimed, Guid claim, CancellationToken cancellationToken)
    {
        SmtpSession session;
        try
        {
            session = await sender.ConnectAsync(cancellationToken);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            LogSmtpUnavailable(logger, claimed.Count, ex.Message);
            foreach (var email in claimed)
            {
                await RecordFailureAsync(email, claim, ex, permanent: false);
            }

            return 0;
        }

        var sent = 0;
        var attempted = 0;
        try
        {
            await using (session)
            {
                foreach (var email in claimed)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    attempted++;

                    // Still ours? A slow server can outlast the claim, and another run may have taken the
                    // email over; renewing the lease per email keeps one sender per email.
                    var now = time.GetUtcNow().UtcDateTime;
                    var stillOurs = await db.Set<OutboxEmail>()
                        .Where(e => e.Id == email.Id && e.ClaimToken == claim && e.SentAt == null && e.DiscardedAt == null)
                        .ExecuteUpdateAsync(set => set.SetProperty(e => e.NextAttemptAt, now + options.Value.Outbox.ClaimLease), CancellationToken.None);
                    if (stillOurs == 0)
                    {
                        continue;
                    }

                    using var span = EmailTracing.StartDelivery(email);
                    try
                    {
                        await session.SendAsync(email, cancellationToken);
                    }
                    catch (Exception ex) when (IsTransient(ex) && !IsRefusedForGood(ex))
                    {
                        EmailTracing.Failed(span, FailureReason(ex), permanent: await RecordFailureAsync(email, claim, ex, permanent: false));
                        continue;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Refused by the server for good (5xx), or an email that cannot be sent at all (an
                        // address MimeKit cannot parse): recorded and set aside, never retried, never in the
                        // way of the emails behind it.
                        EmailTracing.Failed(span, FailureReason(ex), permanent: await RecordFailureAsync(email, claim, ex, permanent: true));
                        continue;
                    }

                    // The bodies carry single-use links; once sent they are not kept (a copy of the
                    // database must not be a source of working links).
                    await db.Set<OutboxEmail>()
                        .Where(e => e.Id == email.Id && e.ClaimToken == claim)
                        .ExecuteUpdateAsync(set => set
                            .SetProperty(e => e.SentAt, time.GetUtcNow().UtcDateTime)
                            .SetProperty(e => e.Attempts, e => e.Attempts + 1)
                            .SetProperty(e => e.TextBody, "")
                            .SetProperty(e => e.HtmlBody, "")
                            .SetProperty(e => e.LastError, (string?)null), CancellationToken.None);
                    LogSent(logger, email.Id, email.Kind);
                    metrics.Sent(email.Kind);
                    EmailTracing.Sent(span);
                    sent++;
                }
            }
        }
        finally
        {
            // Emails claimed but not reached (cancellation, a broken connection) are handed back at once.
            var untried = claimed.Skip(attempted).Select(e => e.Id).ToList();
            if (untried.Count > 0)
            {
                var now = time.GetUtcNow().UtcDateTime;
                await db.Set<OutboxEmail>()
                    .Where(e => untried.Contains(e.Id) && e.ClaimToken == claim && e.SentAt == null)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(e => e.ClaimToken, (Guid?)null)
                        .SetProperty(e => e.NextAttemptAt, now), CancellationToken.None);
            }
        }

        return sent;
    }

    /// <summary>Records a failed attempt; returns whether the email is now set aside for good.</summary>
    private async Task<bool> RecordFailureAsync(OutboxEmail email, Guid claim, Exception error, bool permanent)
    {
        var settings = options.Value.Outbox;
        var now = time.GetUtcNow().UtcDateTime;
        var attempts = email.Attempts + 1;

        // Past the attempt limit (days of retries) an email is set aside like a refused one, for an admin to look at.
        permanent |= attempts >= settings.MaxAttempts;
        var delay = TimeSpan.FromTicks(Math.Min(
            settings.MaxRetryDelay.Ticks,
            settings.FirstRetryDelay.Ticks * (long)Math.Pow(2, Math.Min(attempts - 1, 20))));
        // The server's reply code leads, so an admin reading why an email was set aside sees 550 (no such mailbox) or
        // 552 (too large) at a glance; MailKit's message alone is the reply's text.
        var message = error is SmtpCommandException command ? $"{(int)command.StatusCode} {command.Message}" : error.Message;
        message = message.Length > 1000 ? message[..1000] : message;

        // The claim is let go of: an email waiting out its backoff is held by no run, which is what lets an admin
        // retry or discard it (OutboxOperations) without racing a sender.
        await db.Set<OutboxEmail>()
            .Where(e => e.Id == email.Id && e.ClaimToken == claim)
            .ExecuteUpdateAsync(set => set
                .SetProperty(e => e.ClaimToken, (Guid?)null)
                .SetProperty(e => e.Attempts, attempts)
                .SetProperty(e => e.NextAttemptAt, now + delay)
                .SetProperty(e => e.FailedAt, permanent ? now : null)
                .SetProperty(e => e.LastError, message), CancellationToken.None);

        if (permanent)
        {
            LogRefused(logger, email.Id, email.Kind, message);
            metrics.Failed(email.Kind);
        }
        else
        {
            LogRetrying(logger, email.Id, email.Kind, attempts, delay);
            metrics.Retried(email.Kind);
        }

        return permanent;
    }

    /// <summary>What a trace may say of a failure: the server's reply code, or the kind of error (MailKit's texts can quote the recipient).</summary>
    private static string FailureReason(Exception ex) =>
        ex is SmtpCommandException command ? ((int)command.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : ex.GetType().Name;

    private static bool IsRefusedForGood(Exception ex) => ex is SmtpCommandException { StatusCode: >= (SmtpStatusCode)500 };

    /// <summary>
    /// Asks Hangfire to run again when the earliest pending email falls due, so a retry after an SMTP
    /// outage does not wait for the next recurring run; and tells the meter how old the oldest waiting email is.
    /// </summary>
    private async Task ScheduleNextRetryAsync(CancellationToken cancellationToken)
    {
        var waiting = db.Set<OutboxEmail>().Where(e => e.SentAt == null && e.FailedAt == null && e.DiscardedAt == null);
        metrics.OldestWaiting(await waiting.OrderBy(e => e.CreatedAt).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(cancellationToken));
        var next = await waiting
            .OrderBy(e => e.NextAttemptAt)
            .Select(e => (DateTime?)e.NextAttemptAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (next is { } due)
        {
            signal.RetryAt(due);
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is SocketException or IOException or TimeoutException or ServiceNotConnectedException
            or ProtocolException or SmtpCommandException or SmtpProtocolException or AuthenticationException
            or SslHandshakeException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Email delivery run failed after sending {Sent}; running again in {RetryIn}")]
    private static partial void LogRunFailed(ILogger logger, int sent, TimeSpan retryIn, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {EmailId} ({Kind}) sent")]
    private static partial void LogSent(ILogger logger, long emailId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP server unavailable; {Count} emails wait for the next attempt: {Reason}")]
    private static partial void LogSmtpUnavailable(ILogger logger, int count, [TextWithEmailAddresses] string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {EmailId} ({Kind}) not sent on attempt {Attempt}; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, long emailId, string kind, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Email {EmailId} ({Kind}) refused by the SMTP server and not retried: {Reason}")]
    private static partial void LogRefused(ILogger logger, long emailId, string kind, [TextWithEmailAddresses] string reason);
}
