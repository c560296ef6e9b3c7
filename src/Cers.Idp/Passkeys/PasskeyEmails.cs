using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;
using Cers.Idp.Accounts;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Passkeys;

/// <summary>The notices a passkey change owes the account's owner: whoever added or removed it, the owner hears of it.</summary>
public sealed class PasskeyEmails(IOptions<EmailOptions> email, AccountLinks links)
{
    public OutgoingEmail Added(CersUser user, string passkeyName, DateTime at, string key) =>
        new EmailContent("A passkey was added to your CERS account")
            .Greeting(user.DisplayName)
            .Paragraph($"A passkey named \"{passkeyName}\" was added to your CERS account {user.UserName} on {Format(at)}. It can now be used to sign in to CERS.")
            .Paragraph($"If this wasn't you, someone else may be using your account: sign in, remove the passkey on the Passkeys page of My Account, change your password, and contact CERS Technical Support at {email.Value.FromAddress}.")
            .Link("Reset my password", links.ForgotPassword())
            .ToEmail(key, "passkey-added", user.Email!, user.DisplayName, email.Value);

    public OutgoingEmail Removed(CersUser user, string passkeyName, DateTime at, string key) =>
        new EmailContent("A passkey was removed from your CERS account")
            .Greeting(user.DisplayName)
            .Paragraph($"The passkey named \"{passkeyName}\" was removed from your CERS account {user.UserName} on {Format(at)}. It can no longer be used to sign in to CERS.")
            .Paragraph($"If this wasn't you, someone else may be using your account: change your password and contact CERS Technical Support at {email.Value.FromAddress}.")
            .Link("Reset my password", links.ForgotPassword())
            .ToEmail(key, "passkey-removed", user.Email!, user.DisplayName, email.Value);

    private static string Format(DateTime utc) =>
        utc.ToString("MMMM d, yyyy 'at' HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " (UTC)";
}
