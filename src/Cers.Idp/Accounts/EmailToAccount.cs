using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;

namespace Cers.Idp.Accounts;

public static class EmailToAccount
{
    /// <summary>
    /// The email addressed to an account's current address and name, and recorded as the account's (its
    /// <c>sub</c>), so the person's Email History lists it even after they change their address.
    /// </summary>
    public static OutgoingEmail ToAccount(this EmailContent content, string idempotencyKey, string kind, CersUser user, EmailOptions options) =>
        content.ToEmail(idempotencyKey, kind, user.Email!, user.DisplayName, options, user.Id);
}
