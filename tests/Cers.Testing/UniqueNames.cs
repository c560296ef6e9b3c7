using System.Globalization;

namespace Cers.Testing;

/// <summary>Names and house numbers no other test of the run uses, so a search finds exactly what its test made.</summary>
public static class UniqueNames
{
    // Six digits: the sample generator's house numbers have at most five.
    private static int _nextNumber = Random.Shared.Next(100_000, 800_000);

    /// <summary>A six-digit house number.</summary>
    public static string Number() => Interlocked.Increment(ref _nextNumber).ToString(CultureInfo.InvariantCulture);

    /// <summary>A capitalized word of 9 random letters, e.g. "Qzvrtkmwb": a street or business name.</summary>
    public static string Word()
    {
        var letters = Guid.NewGuid().ToByteArray().Take(9).Select(b => (char)('a' + (b % 26))).ToArray();
        letters[0] = char.ToUpperInvariant(letters[0]);
        return new string(letters);
    }
}
