using System.Globalization;

namespace Cers.EndToEnd.Tests.Infrastructure;

/// <summary>Names and street numbers no other test of the run uses, so every search finds exactly what its test made.</summary>
public static class WalkthroughNames
{
    private static int _nextNumber = Random.Shared.Next(100_000, 900_000);

    /// <summary>A six-digit house number.</summary>
    public static string UniqueNumber() => Interlocked.Increment(ref _nextNumber).ToString(CultureInfo.InvariantCulture);

    /// <summary>A capitalized word of 9 random letters.</summary>
    public static string UniqueWord()
    {
        var letters = Guid.NewGuid().ToByteArray().Take(9).Select(b => (char)('a' + (b % 26))).ToArray();
        letters[0] = char.ToUpperInvariant(letters[0]);
        return new string(letters);
    }
}
