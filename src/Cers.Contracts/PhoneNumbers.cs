using System.Text.RegularExpressions;

namespace Cers.Contracts;

/// <summary>
/// A phone number as CERS takes it on every form and in the API: 7 to 20 characters of digits (at least 7
/// of them), spaces and the usual separators <c>( ) + . -</c>, optionally an extension (<c>x123</c>,
/// <c>Ext. 123</c>); at most 30 characters.
/// </summary>
public static partial class PhoneNumbers
{
    public const int MaxLength = 30;

    public const string Pattern = @"^(?=(?:[ ()+.\-]*[0-9]){7})[0-9 ()+.\-]{7,20}( ?(?i:x|ext\.?) ?[0-9]{1,6})?$";

    public const string Example = "Enter a phone number like (916) 555-0100, optionally with an extension (x123).";

    public static bool IsValid(string phone) => phone.Length <= MaxLength && Shape().IsMatch(phone);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
