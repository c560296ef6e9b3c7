using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using MimeKit;

namespace Cers.Email;

/// <summary>
/// An address CERS can actually send to: a plain ASCII dot-atom local part, a domain of DNS labels with
/// a top-level name, at most 254 characters, and one MimeKit accepts. Anything looser
/// (<c>a..b@example.com</c>, <c>.a@example.com</c>, quoted or non-ASCII local parts) is refused at the
/// form, rather than failing later in the outbox.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed partial class DeliverableEmailAttribute : ValidationAttribute
{
    public DeliverableEmailAttribute()
        : base("Enter an email address like name@example.com.")
    {
    }

    public static bool IsDeliverable(string? address)
    {
        if (address is null || address.Length > 254 || !Shape().IsMatch(address))
        {
            return false;
        }

        try
        {
            _ = new MailboxAddress("", address);
            return true;
        }
        catch (ParseException)
        {
            return false;
        }
    }

    /// <summary>Empty values are left to <see cref="RequiredAttribute"/>.</summary>
    public override bool IsValid(object? value) => value is null || (value is string text && (text.Length == 0 || IsDeliverable(text)));

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
