using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Accounts;

/// <summary>
/// Text a person types for others to read (names, titles, phrases): no control characters and no
/// angle brackets. Output is encoded anyway; this keeps markup and invisible characters out of the
/// database and out of emails, with a message the person can act on.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PlainTextAttribute : ValidationAttribute
{
    public PlainTextAttribute()
        : base("{0} cannot contain angle brackets (< >) or control characters.")
    {
    }

    public override bool IsValid(object? value) =>
        value is not string text || !text.Any(c => char.IsControl(c) || c is '<' or '>' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format);
}
