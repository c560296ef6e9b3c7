using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;

namespace Cers.Idp.Announcements;

/// <summary>
/// <see cref="PlainTextAttribute"/> for a text box: the same rule (no angle brackets, no control or
/// invisible formatting characters), except that line breaks are allowed between paragraphs.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PlainParagraphsAttribute : ValidationAttribute
{
    private static readonly PlainTextAttribute PlainText = new();

    public PlainParagraphsAttribute()
        : base("{0} cannot contain angle brackets (< >) or control characters other than line breaks.")
    {
    }

    public override bool IsValid(object? value) =>
        value is not string text || PlainText.IsValid(text.Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
}
