using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;
using Cers.Idp.Accounts;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Mfa;

/// <summary>The notice every change to an account's sign-in protection owes its owner, so a change they did not make does not go unseen.</summary>
public sealed class SignInProtectionEmails(IOptions<EmailOptions> email, TimeProvider time)
{
    /// <summary>The kind of these notices, as stored in the outbox.</summary>
    public const string Kind = "sign-in-protection";

    public OutgoingEmail Changed(CersUser user, string change)
    {
        var at = time.GetUtcNow().UtcDateTime.ToString("MMMM d, yyyy 'at' HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " (UTC)";
        return new EmailContent("Your CERS sign-in protection changed")
            .Greeting(user.DisplayName)
            .Paragraph($"On {at} the sign-in protection of the CERS account {user.UserName} changed: {change}")
            .Paragraph($"If this wasn't you, contact CERS Technical Support at {email.Value.FromAddress} at once.")
            .ToAccount($"{Kind}:{user.Id}:{Guid.NewGuid():N}", Kind, user, email.Value);
    }
}
