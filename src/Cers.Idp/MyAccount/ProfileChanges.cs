using Cers.Email.Outbox;
using Cers.Idp.Accounts;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.MyAccount;

/// <summary>The details a person keeps up themself: name, phone, title, and the protection phrase.</summary>
public sealed partial class ProfileChanges(
    IdpDbContext db,
    UserManager<CersUser> users,
    EmailOutbox outbox,
    MyAccountEmails emails,
    AuditLog audit,
    TimeProvider time,
    ILogger<ProfileChanges> logger)
{
    /// <summary>
    /// Saves name, phone and title. The next tokens carry the new name: the token endpoint reads the account
    /// on every code redemption and refresh. Identity's concurrency stamp makes a change made meanwhile
    /// elsewhere (an admin, another tab) fail instead of being overwritten.
    /// </summary>
    public async Task<bool> UpdateAsync(CersUser user, string firstName, string lastName, string? phone, string? title, CancellationToken cancellationToken)
    {
        user.FirstName = firstName.Trim();
        user.LastName = lastName.Trim();
        user.PhoneNumber = string.IsNullOrWhiteSpace(phone) ? null : phone.Trim();
        user.Title = string.IsNullOrWhiteSpace(title) ? null : title.Trim();
        audit.Add(AuditKinds.ProfileChanged, user.Id, user.UserName);

        // UpdateAsync saves the unit of work, audit event included.
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            db.ChangeTracker.Clear();
            return false;
        }

        LogProfileChanged(logger, user.Id);
        return true;
    }

    /// <summary>A new protection phrase, one the generator made (chosen from the offered ones); the old address is told.</summary>
    public async Task<bool> ChangePhraseAsync(CersUser user, string phrase, CancellationToken cancellationToken)
    {
        if (!ProtectionPhrases.IsGenerated(phrase))
        {
            return false;
        }

        user.ProtectionPhrase = phrase;
        var changeKey = time.GetUtcNow().UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        outbox.Add(db, emails.PhraseChanged(user, changeKey));
        audit.Add(AuditKinds.PhraseChanged, user.Id, user.UserName);
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            db.ChangeTracker.Clear();
            return false;
        }

        LogPhraseChanged(logger, user.Id);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} changed their profile")]
    private static partial void LogProfileChanged(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} changed their protection phrase")]
    private static partial void LogPhraseChanged(ILogger logger, string userId);
}
