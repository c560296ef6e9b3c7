using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Accounts;

/// <summary>
/// Text a person types for others to read (names, titles, phrases), by the rule the facility API applies
/// too (<see cref="Cers.Contracts.PlainText"/>), with a message the person can act on.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PlainTextAttribute : ValidationAttribute
{
    public PlainTextAttribute()
        : base("{0} cannot contain angle brackets (< >) or control characters.")
    {
    }

    public override bool IsValid(object? value) => value is not string text || Cers.Contracts.PlainText.IsPlain(text);
}
