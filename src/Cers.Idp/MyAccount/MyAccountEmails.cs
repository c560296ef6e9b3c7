using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;
using Cers.Idp.Accounts;
using Cers.Idp.Activation;
using Microsoft.Extensions.Options;

namespace Cers.Idp.MyAccount;

/// <summary>
/// The emails My Account owes. Every change to how a person signs in or is reached is told to the
/// account's address ("if this wasn't you ..."), so a stolen session cannot change an account quietly.
/// </summary>
public sealed class MyAccountEmails(IOptions<EmailOptions> email, AccountLinks links)
{
    private EmailOptions Options => email.Value;

    /// <summary>The kinds of email this feature writes, as stored in the outbox.</summary>
    public static class Kinds
    {
        public const string PasswordChanged = "password-changed";
        public const string PhraseChanged = "phrase-changed";
        public const string EmailChangeConfirm = "email-change-confirm";
        public const string EmailChangeRequested = "email-change-requested";
        public const string EmailChanged = "email-changed";
        public const string EmailAlreadyInUse = "email-in-use";
    }

    public OutgoingEmail PasswordChanged(CersUser user) =>
        new EmailContent("Your CERS password was changed")
            .Greeting(user.DisplayName)
            .Paragraph($"The password of the CERS account {user.UserName} was just changed from My Account. Every other device signed in to it was signed out.")
            .Paragraph(IfNotYou("reset your password at once"))
            .Link("Reset my password", links.ForgotPassword())
            .ToAccount($"{Kinds.PasswordChanged}:{user.Id}:{user.SecurityStamp}", Kinds.PasswordChanged, user, Options);

    public OutgoingEmail PhraseChanged(CersUser user, string changeKey) =>
        new EmailContent("Your CERS protection phrase was changed")
            .Greeting(user.DisplayName)
            .Paragraph($"The password protection phrase of the CERS account {user.UserName} was just changed from My Account. From now on the sign-in page shows the new phrase before it asks for your password.")
            .Paragraph(IfNotYou("sign in, check My Account, and change your password"))
            .ToAccount($"{Kinds.PhraseChanged}:{user.Id}:{changeKey}", Kinds.PhraseChanged, user, Options);

    /// <summary>To the new address: the single-use link that proves the person reads it.</summary>
    public OutgoingEmail ConfirmNewAddress(CersUser user, string newAddress, string link, DateTime expiresAt, string tokenHash) =>
        new EmailContent("Confirm your new CERS email address")
            .Greeting(user.DisplayName)
            .Paragraph($"The CERS account {user.UserName} asked to use this address from now on. Open the link below to confirm it; until then CERS keeps writing to the account's current address.")
            .Link("Confirm my new email address", link)
            .Paragraph($"The link works once and expires on {AccountEmails.FormatDate(expiresAt)}.")
            .Paragraph($"If you did not ask for this, do not open the link; nothing changes and you can ignore this email. Questions: CERS Technical Support at {Options.FromAddress}.")
            .ToEmail($"{Kinds.EmailChangeConfirm}:{tokenHash}", Kinds.EmailChangeConfirm, newAddress, user.DisplayName, Options, user.Id);

    /// <summary>To the current address, as the change is asked for.</summary>
    public OutgoingEmail ChangeRequested(CersUser user, string tokenHash) =>
        new EmailContent("A change of your CERS email address was asked for")
            .Greeting(user.DisplayName)
            .Paragraph($"Someone signed in to the CERS account {user.UserName} asked to move it to another email address. Nothing changes unless that address confirms it.")
            .Paragraph(IfNotYou("change your password now, which also signs everyone else out"))
            .Link("Reset my password", links.ForgotPassword())
            .ToAccount($"{Kinds.EmailChangeRequested}:{tokenHash}", Kinds.EmailChangeRequested, user, Options);

    /// <summary>To the old address once the new one is confirmed (the account's address has already moved).</summary>
    public OutgoingEmail AddressChanged(CersUser user, string oldAddress, string tokenHash) =>
        new EmailContent("Your CERS email address was changed")
            .Greeting(user.DisplayName)
            .Paragraph($"The CERS account {user.UserName} now uses another email address, confirmed from that address. CERS will not write to this address about the account any more.")
            .Paragraph(IfNotYou("contact CERS Technical Support at once"))
            .ToEmail($"{Kinds.EmailChanged}:{tokenHash}", Kinds.EmailChanged, oldAddress, user.DisplayName, Options, user.Id);

    /// <summary>
    /// To the owner of an address someone asked to move their account to: the asker is answered exactly as
    /// when the address is free (no enumeration), and the owner learns of it here instead.
    /// </summary>
    public OutgoingEmail AddressAlreadyInUse(CersUser owner, string key) =>
        new EmailContent("Someone tried to use your email address in CERS")
            .Greeting(owner.DisplayName)
            .Paragraph($"Someone signed in to another CERS account asked to move that account to this email address. This address belongs to your CERS account {owner.UserName}, so nothing was changed and no link was sent.")
            .Paragraph("You do not need to do anything. If you keep receiving these emails, tell CERS Technical Support at " + Options.FromAddress + ".")
            .ToAccount(key, Kinds.EmailAlreadyInUse, owner, Options);

    private string IfNotYou(string whatToDo) =>
        $"If this wasn't you, {whatToDo}, and tell CERS Technical Support at {Options.FromAddress}.";
}
