using System.Globalization;
using System.Text;

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

    /// <summary>
    /// By Unicode scalar, not UTF-16 unit, so format characters outside the basic plane (the tag characters
    /// U+E0001-U+E007F arrive as surrogate pairs) are seen too; lone surrogates, and the line and paragraph
    /// separators U+2028 and U+2029, are refused as well.
    /// </summary>
    public static bool IsPlain(string text)
    {
        if (!IsWellFormed(text))
        {
            return false;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || rune.Value is '<' or '>'
                || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>No lone surrogate: <see cref="string.EnumerateRunes"/> would turn one into U+FFFD and let it pass.</summary>
    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
