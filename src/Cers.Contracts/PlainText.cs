using System.Globalization;

namespace Cers.Contracts;

/// <summary>
/// The rule for text a person types for others to read (names, titles, reasons, business and facility
/// names): no control characters (CR, LF, NUL, BEL...), no format characters (right-to-left override,
/// zero-width joiners) and no angle brackets. Output is encoded anyway; this keeps markup and invisible
/// characters out of the databases and out of the plain-text part of emails, where a line break would
/// start an invented paragraph. The provider's forms and the facility API apply the same rule.
/// </summary>
public static class PlainText
{
    public const string Rule = "cannot contain angle brackets (< >), line breaks or other control or invisible formatting characters.";

    public static bool IsPlain(string text) =>
        !text.Any(c => char.IsControl(c) || c is '<' or '>' || char.GetUnicodeCategory(c) == UnicodeCategory.Format);
}
