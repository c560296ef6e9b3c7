using Cers.Email.Outbox;
using Cers.Idp.Data;
using Microsoft.Extensions.Options;

namespace Cers.Idp.MyAccount;

/// <summary>One email in a person's Email History. The body is never shown: sent bodies are not kept (they held single-use links).</summary>
public sealed record EmailHistoryEntry(RecipientEmail Email, string Purpose);

public sealed record HistoryPage<T>(IReadOnlyList<T> Rows, int Page, bool HasNext);

/// <summary>
/// Every email the provider wrote for an account (the outbox keeps a row per email, with the account it
/// is for), newest first, with its delivery state and what it was for.
/// </summary>
public sealed class EmailHistory(IdpDbContext db, IOptions<MyAccountOptions> options)
{
    public async Task<HistoryPage<EmailHistoryEntry>> PageAsync(string userId, int page, CancellationToken cancellationToken)
    {
        var size = options.Value.PageSize;
        page = Math.Clamp(page, 1, 10_000);
        var rows = await db.EmailOutbox.PageAsync(userId, (page - 1) * size, size + 1, cancellationToken);
        return new HistoryPage<EmailHistoryEntry>(
            [.. rows.Take(size).Select(e => new EmailHistoryEntry(e, PurposeOf(e.Kind)))],
            page,
            rows.Count > size);
    }

    /// <summary>What each kind of email was for, in the person's words; the page shows this instead of the body.</summary>
    public static string PurposeOf(string kind) => kind switch
    {
        "activation" => "The link to activate your new account.",
        "activation-reminder" => "A reminder to activate your account before it expires.",
        "already-registered" => "Someone asked for a new account with your address, which already has one.",
        "username-reminder" => "Your username, as asked for on Forgot Username.",
        "password-reset" => "A link to set a new password, as asked for on Forgot Password.",
        MyAccountEmails.Kinds.PasswordChanged => "Notice that your password was changed.",
        MyAccountEmails.Kinds.PhraseChanged => "Notice that your protection phrase was changed.",
        MyAccountEmails.Kinds.EmailChangeConfirm => "A link to confirm a new email address for your account.",
        MyAccountEmails.Kinds.EmailChangeRequested => "Notice that a change of your email address was asked for.",
        MyAccountEmails.Kinds.EmailChanged => "Notice that your account moved to a new email address.",
        MyAccountEmails.Kinds.EmailAlreadyInUse => "Someone tried to move another account to your address.",
        Mfa.SignInProtectionEmails.Kind => "Notice that your sign-in protection (authenticator app, recovery codes or passkeys) changed.",
        _ => "A notice about your CERS account.",
    };
}
