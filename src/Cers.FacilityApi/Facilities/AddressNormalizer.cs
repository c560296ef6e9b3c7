using System.Globalization;
using System.Text;

namespace Cers.FacilityApi.Facilities;

/// <summary>
/// A street line in the form search compares: house number, core street name, directional, suffix
/// and unit, each uppercase ASCII without punctuation and with USPS abbreviations.
/// </summary>
/// <param name="Number">The house number's digits without leading zeros, or null when there is none.</param>
/// <param name="Name">The core name: "MAIN" for "North Main Street"; empty only when nothing but a number was given.</param>
/// <param name="Directional">"N", "SW"... from before or after the name.</param>
/// <param name="Suffix">"ST", "BLVD"...</param>
/// <param name="Unit">The unit's identifier without its designator: "200" for "Suite 200" or "#200".</param>
public sealed record NormalizedStreet(string? Number, string Name, string? Directional, string? Suffix, string? Unit)
{
    /// <summary>The normalized line, e.g. "123 N MAIN ST # 200", for logs and for showing what was searched.</summary>
    public override string ToString() =>
        string.Join(' ', new[] { Number, Directional, Name, Suffix, Unit is null ? null : "# " + Unit }.Where(p => !string.IsNullOrEmpty(p)));
}

/// <summary>A one-line address split into street line, city and ZIP (each null when absent).</summary>
public sealed record ParsedAddress(NormalizedStreet Street, string? City, string? Zip);

/// <summary>
/// Puts addresses into one comparable form, both when a facility is stored and when a search
/// arrives, so "1234 north main street, ste. 5" and "1234 N Main St #5" meet on equal columns:
/// case, punctuation and diacritics are dropped; USPS suffixes ("Street"/"St"), directionals
/// ("North"/"N") and unit designators ("Suite"/"Ste"/"#") are recognised by position (a trailing
/// suffix, a leading or trailing directional, a designator after the name) so that a word that is
/// the name itself ("North Street", "Avenue B") stays the name; and the same abbreviations are
/// applied inside names, so both spellings of a name key alike.
/// </summary>
public static class AddressNormalizer
{
    /// <summary>Normalizes a street line that starts with its house number: "1234 N. Main St., Suite 5".</summary>
    public static NormalizedStreet NormalizeStreetLine(string streetLine) => Normalize(Tokenize(streetLine), expectNumber: true);

    /// <summary>Normalizes a street without its house number, as the search form's street field gives it: "N Main St".</summary>
    public static NormalizedStreet NormalizeStreetName(string street) => Normalize(Tokenize(street), expectNumber: false);

    /// <summary>The digits a house number starts with, without leading zeros ("0012B" -> "12"); null when it does not start with a digit.</summary>
    public static string? NormalizeNumber(string number)
    {
        var tokens = Tokenize(number);
        return tokens.Count == 0 ? null : HouseNumber(tokens[0]);
    }

    /// <summary>"St. Helena" and "Saint Helena" -> "ST HELENA"; "La Cañada Flintridge" -> "LA CANADA FLINTRIDGE".</summary>
    public static string NormalizeCity(string city) =>
        string.Join(' ', Tokenize(city).Where(t => t != "#").Select(t => UspsAbbreviations.NameWords.GetValueOrDefault(t, t)));

    /// <summary>The 5-digit ZIP of "95814" or "95814-1234"; null when the text is not a ZIP.</summary>
    public static string? NormalizeZip(string zip)
    {
        var digits = zip.Trim();
        if (digits.Length == 10 && digits[5] == '-')
        {
            digits = digits[..5] + digits[6..];
        }

        return digits.Length is 5 or 9 && digits.All(char.IsAsciiDigit) ? digits[..5] : null;
    }

    /// <summary>
    /// Splits one free-text address: "1234 N Main St Ste 5, Sacramento, CA 95814-1234". Commas separate
    /// street, city and state when present. Without them, a trailing ZIP and "CA" are taken off and
    /// the city is what follows the street's suffix (and its directional and unit): "123 Main St
    /// Elk Grove"; with no suffix the whole text is the street, since nothing marks where it ends.
    /// </summary>
    public static ParsedAddress ParseFreeText(string address)
    {
        var segments = address.Split([',', ';', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(Tokenize)
            .Where(tokens => tokens.Count > 0)
            .ToList();

        var zip = TakeTrailingZipAndState(segments);
        if (segments.Count == 0)
        {
            return new ParsedAddress(new NormalizedStreet(null, "", null, null, null), null, zip);
        }

        var street = new List<string>(segments[0]);
        List<string>? city = null;
        if (segments.Count > 1)
        {
            foreach (var segment in segments.Skip(1))
            {
                // "123 Main St, Suite 5, Sacramento": a segment that starts with a designator continues the street.
                if (city is null && UspsAbbreviations.UnitDesignators.Contains(segment[0]))
                {
                    street.AddRange(segment);
                }
                else
                {
                    city = segment;
                }
            }
        }
        else
        {
            var end = EndOfStreet(street);
            if (end < street.Count)
            {
                city = street[end..];
                street = street[..end];
            }
        }

        var cityKey = city is null ? null : string.Join(' ', city.Select(t => UspsAbbreviations.NameWords.GetValueOrDefault(t, t)));
        return new ParsedAddress(Normalize(street, expectNumber: true), string.IsNullOrEmpty(cityKey) ? null : cityKey, zip);
    }

    private static NormalizedStreet Normalize(List<string> tokens, bool expectNumber)
    {
        var start = 0;
        string? number = null;
        if (expectNumber && tokens.Count > 0 && HouseNumber(tokens[0]) is { } found)
        {
            number = found;
            start = 1;

            // "123 1/2 Main St": the fraction belongs to the house number.
            if (tokens.Count > 1 && tokens[1].Contains('/', StringComparison.Ordinal))
            {
                start = 2;
            }
        }

        // The unit starts at the first designator that follows at least one word of the name.
        var end = tokens.Count;
        string? unit = null;
        for (var i = start + 1; i < tokens.Count; i++)
        {
            if (UspsAbbreviations.UnitDesignators.Contains(tokens[i]))
            {
                var identifier = tokens.Skip(i + 1).Where(t => !UspsAbbreviations.UnitDesignators.Contains(t)).ToList();
                unit = identifier.Count == 0 ? null : string.Join(' ', identifier);
                end = i;
                break;
            }
        }

        var name = tokens[start..end].Where(t => t != "#" && !t.Contains('/', StringComparison.Ordinal)).ToList();
        string? directional = null;
        string? suffix = null;

        // Trailing directional, then trailing suffix ("Main St N"), then leading directional ("N Main St");
        // each only while another word remains, so "North St" keeps "North" as its name.
        if (name.Count > 1 && UspsAbbreviations.Directionals.TryGetValue(name[^1], out var post))
        {
            directional = post;
            name.RemoveAt(name.Count - 1);
        }

        if (name.Count > 1 && UspsAbbreviations.Suffixes.TryGetValue(name[^1], out var standard))
        {
            suffix = standard;
            name.RemoveAt(name.Count - 1);
        }

        if (name.Count > 1 && UspsAbbreviations.Directionals.TryGetValue(name[0], out var pre))
        {
            // With both ("N Main St S") the leading one is kept: people swap them, and search treats either alike.
            directional = pre;
            name.RemoveAt(0);
        }

        return new NormalizedStreet(number, string.Join(' ', name.Select(CanonicalNameWord)), directional, suffix, unit);
    }

    /// <summary>A word inside a name, written the one way: "AVENUE B" -> "AVE B", "WEST ST" -> "W", "FIRST" -> "1ST".</summary>
    private static string CanonicalNameWord(string word) =>
        UspsAbbreviations.Directionals.GetValueOrDefault(word)
        ?? UspsAbbreviations.Suffixes.GetValueOrDefault(word)
        ?? UspsAbbreviations.NameWords.GetValueOrDefault(word)
        ?? UspsAbbreviations.Ordinals.GetValueOrDefault(word)
        ?? word;

    /// <summary>"0123A" -> "123"; an ordinal such as "21ST" is a street name, not a number.</summary>
    private static string? HouseNumber(string token)
    {
        var digits = 0;
        while (digits < token.Length && char.IsAsciiDigit(token[digits]))
        {
            digits++;
        }

        if (digits == 0 || IsOrdinal(token, digits))
        {
            return null;
        }

        var trimmed = token[..digits].TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    private static bool IsOrdinal(string token, int digits) =>
        token.Length == digits + 2 && token[digits..] is "ST" or "ND" or "RD" or "TH";

    /// <summary>Takes a trailing ZIP (and "CA", "USA") off the last segment; returns the ZIP.</summary>
    private static string? TakeTrailingZipAndState(List<List<string>> segments)
    {
        string? zip = null;
        while (segments.Count > 0)
        {
            var last = segments[^1];
            var token = last[^1];
            var isZip = zip is null && token.Length is 5 or 9 && token.All(char.IsAsciiDigit) && (segments.Count > 1 || last.Count > 2);
            var isPlace = token is "CA" or "CALIFORNIA" or "USA" && (segments.Count > 1 || last.Count > 2);
            if (!isZip && !isPlace)
            {
                break;
            }

            if (isZip)
            {
                zip = token[..5];
            }

            last.RemoveAt(last.Count - 1);
            if (last.Count == 0)
            {
                segments.RemoveAt(segments.Count - 1);
            }
        }

        return zip;
    }

    /// <summary>
    /// In "123 Oak Grove Rd N Ste 5 Elk Grove", the index where the city begins: after the last suffix
    /// that leaves words behind it, skipping a directional and a unit that follow it. The count when
    /// no city can be told apart.
    /// </summary>
    private static int EndOfStreet(List<string> tokens)
    {
        for (var i = tokens.Count - 2; i >= 2; i--)
        {
            if (!UspsAbbreviations.Suffixes.ContainsKey(tokens[i]))
            {
                continue;
            }

            var end = i + 1;
            if (end < tokens.Count && UspsAbbreviations.Directionals.ContainsKey(tokens[end]))
            {
                end++;
            }

            if (end < tokens.Count && UspsAbbreviations.UnitDesignators.Contains(tokens[end]))
            {
                end = Math.Min(end + 2, tokens.Count);
            }

            if (end < tokens.Count)
            {
                return end;
            }
        }

        return tokens.Count;
    }

    /// <summary>
    /// Uppercase ASCII words. Accents are dropped ("Cañada" -> "CANADA"); periods and apostrophes join
    /// ("N.E." -> "NE", "O'Brien" -> "OBRIEN"); a hyphen after a digit joins ("123-B" -> "123B");
    /// '#' is a word of its own; a slash between digits stays ("1/2"); everything else separates.
    /// </summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        var decomposed = text.Normalize(NormalizationForm.FormD);

        void Flush()
        {
            if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }

        for (var i = 0; i < decomposed.Length; i++)
        {
            var c = decomposed[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                word.Append(char.ToUpperInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark || c is '.' or '\'' or '\u2019')
            {
                // Joins: the accent of a decomposed letter, or punctuation inside an abbreviation or name.
            }
            else if (c == '-' && word.Length > 0 && char.IsAsciiDigit(word[^1]))
            {
                // "123-B": one house number or unit.
            }
            else if (c == '/' && word.Length > 0 && char.IsAsciiDigit(word[^1]) && i + 1 < decomposed.Length && char.IsAsciiDigit(decomposed[i + 1]))
            {
                word.Append('/');
            }
            else if (c == '#')
            {
                Flush();
                tokens.Add("#");
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return tokens;
    }
}
