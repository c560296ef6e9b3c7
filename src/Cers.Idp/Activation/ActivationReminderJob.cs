using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Activation;

/// <summary>
/// Reminds pending accounts to activate, at each configured offset at most once. Works in batches
/// of <see cref="ActivationOptions.BatchSize"/>; each account's reminder is claimed with a conditional
/// update of <see cref="CersUser.RemindersSent"/>, so two runs at once (two servers, or a retry)
/// send each reminder once. An account that missed several offsets (the job was down) gets only the
/// latest. The batch is read untracked and the accounts are changed only by those conditional
/// updates, so a sign-in attempt on an account meanwhile cannot make the batch fail.
/// </summary>
public sealed partial class ActivationReminderJob(
    IdpDbContext db,
    AccountActivation activation,
    AccountEmails emails,
    EmailOutbox outbox,
    AuditLog audit,
    IOptions<ActivationOptions> options,
    TimeProvider time,
    IdpMetrics metrics,
    ILogger<ActivationReminderJob> logger)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var reminders = settings.ReminderTimesFromRegistration();
        var sent = 0;

        // Latest offset first, so an account past several offsets is claimed by the latest one.
        for (var index = reminders.Count - 1; index >= 0; index--)
        {
            sent += await RemindAsync(index, reminders[index], settings, cancellationToken);
        }

        if (sent > 0)
        {
            LogReminded(logger, sent);
            metrics.Reminded(sent);
        }

        return sent;
    }

    private async Task<int> RemindAsync(int index, TimeSpan offset, ActivationOptions settings, CancellationToken cancellationToken)
    {
        var sent = 0;

        // Keyset paging in the order of the (Status, RegisteredAt) index, so each batch reads on from
        // where the last one stopped instead of scanning the whole due window again.
        var afterTime = DateTime.MinValue;
        var afterId = "";
        while (true)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var registeredBy = now - offset;
            var notExpiredAfter = now - settings.Window;
            var from = afterTime;
            var fromId = afterId;
            var batch = await db.Users
                .Where(u => u.Status == AccountStatus.PendingActivation
                    && u.RegisteredAt <= registeredBy
                    && u.RegisteredAt > notExpiredAfter
                    && u.RemindersSent <= index
                    && (u.RegisteredAt > from || (u.RegisteredAt == from && u.Id.CompareTo(fromId) > 0)))
                .OrderBy(u => u.RegisteredAt).ThenBy(u => u.Id)
                .Take(settings.BatchSize)
                .AsNoTracking()
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return sent;
            }

            afterTime = batch[^1].RegisteredAt;
            afterId = batch[^1].Id;
            await db.InTransactionAsync(async ct =>
            {
                foreach (var user in batch)
                {
                    var before = user.RemindersSent;
                    var claimed = await db.Users
                        .Where(u => u.Id == user.Id && u.Status == AccountStatus.PendingActivation && u.RemindersSent == before)
                        .ExecuteUpdateAsync(set => set.SetProperty(u => u.RemindersSent, index + 1), ct);
                    if (claimed == 0)
                    {
                        continue;
                    }

                    // The reminder leaves the activation link as it is: the first email's link stays good for the
                    // whole window, as that email says.
                    outbox.Add(db, emails.Reminder(user, activation.ExpiresAt(user), $"activation-reminder:{user.Id}:{index}"));
                    audit.Add(AuditKinds.ReminderSent, user.Id, user.UserName, $"reminder {index + 1}");
                    sent++;
                }

                await db.SaveChangesAsync(ct);
            }, cancellationToken);

            db.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Activation reminders sent: {Count}")]
    private static partial void LogReminded(ILogger logger, int count);
}
