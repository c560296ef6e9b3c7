using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;
using Cers.Idp.Accounts;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Activation;

/// <summary>The emails about an account's life: activation, reminders, and the notices sent instead of revealing an account exists.</summary>
public sealed class AccountEmails(IOptions<EmailOptions> email, AccountLinks links)
{
    private EmailOptions Options => email.Value;

    public OutgoingEmail Activation(CersUser user, string link, DateTime expiresAt, string key) =>
        new EmailContent("Activate your CERS account")
            .Greeting(user.DisplayName)
            .Paragraph($"A CERS account was requested for this email address with the username {user.UserName}. If you asked for it and chose that username, open the link below and enter the password you chose to finish creating it.")
            .Link("Activate my CERS account", link)
            .Paragraph($"The link works once and expires on {FormatDate(expiresAt)}. An account that is not activated by then is removed and must be requested again.")
            .Paragraph($"If you did not ask for a CERS account, or {user.UserName} is not the username you chose, do not open the link; you can ignore this email and nothing more will happen. If you did not receive this email within 48 hours of asking, contact CERS Technical Support at {Options.FromAddress}.")
            .ToAccount(key, "activation", user, Options);

    public OutgoingEmail Reminder(CersUser user, DateTime expiresAt, string key) =>
        new EmailContent("Reminder: activate your CERS account")
            .Greeting(user.DisplayName)
            .Paragraph($"Your CERS account {user.UserName} is not activated yet. It will be removed on {FormatDate(expiresAt)} unless you activate it.")
            .Paragraph($"To activate it, open the link in the email \"Activate your CERS account\" that {Options.FromAddress} sent you when you registered; it works until then. If you cannot find that email, ask for a new one:")
            .Link("Send me a new activation email", links.CheckEmail())
            .Paragraph("If you did not ask for a CERS account, you can ignore this email.")
            .ToAccount(key, "activation-reminder", user, Options);

    public OutgoingEmail AlreadyRegistered(CersUser existing, string key) =>
        new EmailContent("Your CERS account request")
            .Greeting(existing.DisplayName)
            .Paragraph($"Someone, perhaps you, asked to create a new CERS account with this email address. This address already belongs to the CERS account with the username {existing.UserName}, so no new account was created.")
            .Paragraph("If you have forgotten your password, you can set a new one:")
            .Link("Reset my password", links.ForgotPassword())
            .Paragraph("If this was not you, you can ignore this email; your account has not changed.")
            .ToAccount(key, "already-registered", existing, Options);

    public OutgoingEmail UserNameTaken(string toAddress, string toName, string userName, string key) =>
        new EmailContent("Your CERS account was not created")
            .Greeting(toName)
            .Paragraph($"Someone, perhaps you, asked to create a CERS account for this email address with the username {userName}. That username is not available, so no account was created.")
            .Paragraph("To create your account, fill in the form again with a different username:")
            .Link("Create New Account", links.Register())
            .Paragraph("If this was not you, you can ignore this email.")
            .ToEmail(key, "username-taken", toAddress, toName, Options);

    public static string FormatDate(DateTime utc) => utc.ToString("MMMM d, yyyy", System.Globalization.CultureInfo.InvariantCulture) + " (UTC)";
}
