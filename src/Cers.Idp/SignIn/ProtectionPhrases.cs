using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Cers.Idp.Accounts;
using Cers.Idp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.SignIn;

/// <summary>The <c>SignIn</c> section.</summary>
public sealed class SignInOptions
{
    public const string SectionName = "SignIn";

    /// <summary>
    /// The server secret decoy phrases are derived from. Every instance needs the same value (the
    /// decoy for a username must not change between requests), so it comes from configuration.
    /// </summary>
    [Required(ErrorMessage = "SignIn:DecoyPhraseKey is required: at least 32 random characters, the same on every instance.")]
    [MinLength(32, ErrorMessage = "SignIn:DecoyPhraseKey must be at least 32 characters.")]
    public string DecoyPhraseKey { get; set; } = "";
}

/// <summary>
/// Protection phrases: generated, never typed. Each is four words, adjective noun preposition place
/// ("amber heron over Tahoe"), from lists giving about 1.3 million phrases. A new account chooses one
/// of several freshly generated phrases; a username no account has is shown a decoy from the very
/// same generator, keyed by HMAC-SHA256 of the normalized username under a server secret, so the same
/// unknown name always shows the same phrase and nothing in the phrase tells a real account from a
/// made-up name (a typed phrase would: people do not write like a generator).
/// </summary>
public sealed class ProtectionPhrases(IdpDbContext db, ILookupNormalizer normalizer, IOptions<SignInOptions> options)
{
    private static readonly string[] Adjectives =
    [
        "amber", "blue", "quiet", "golden", "silver", "green", "little", "crimson", "misty", "sunny", "ancient", "bright",
        "lazy", "brave", "wild", "gentle", "rusty", "purple", "tall", "hidden", "frozen", "happy", "windy", "dusty",
        "lucky", "sleepy", "shady", "copper", "velvet", "rocky", "sandy", "northern", "southern", "eastern", "western", "early",
        "late", "swift", "patient", "curious", "clever", "humble", "proud", "tiny", "giant", "hollow", "painted", "wooden",
        "stone", "iron", "glass", "paper", "silent", "noisy", "careful", "cheerful", "distant", "friendly", "honest", "loyal",
        "mellow", "nimble", "polished", "spotted",
    ];

    private static readonly string[] Nouns =
    [
        "heron", "canoe", "lantern", "orchard", "poppy", "redwood", "harbor", "bicycle", "kettle", "meadow", "falcon",
        "lighthouse", "trail", "sparrow", "willow", "otter", "pelican", "vineyard", "cabin", "compass", "teapot",
        "quail", "bridge", "garden", "sailboat", "tortoise", "pinecone", "fiddle", "raven", "sequoia", "tractor", "lemon",
        "avocado", "badger", "beacon", "blanket", "cactus", "candle", "coyote", "dolphin", "drum", "ferry", "fox", "glacier",
        "hammock", "hawk", "kayak", "ladder", "lizard", "marble", "mustang", "oak", "owl", "piano", "quilt", "rabbit",
        "saddle", "seal", "squirrel", "telescope", "trolley", "tulip", "walnut", "windmill",
    ];

    private static readonly string[] Prepositions = ["at", "by", "near", "over", "under", "beyond", "past", "above"];

    private static readonly string[] Places =
    [
        "Tahoe", "Yosemite", "Shasta", "Monterey", "Sonoma", "Mendocino", "Malibu", "Carmel", "Napa", "Fresno", "Eureka",
        "Modesto", "Redding", "Ventura", "Oakland", "Berkeley", "Pasadena", "Anaheim", "Riverside", "Stockton", "Merced",
        "Chico", "Davis", "Folsom", "Auburn", "Truckee", "Bishop", "Barstow", "Needles", "Ojai", "Solvang", "Avalon",
        "Petaluma", "Healdsburg", "Sausalito", "Tiburon", "Pacifica", "Capitola", "Watsonville", "Salinas", "Hollister",
        "Gilroy", "Lodi", "Tracy", "Visalia", "Bakersfield", "Temecula", "Escondido",
    ];

    /// <summary>How many phrases a new account chooses from.</summary>
    public const int ChoiceCount = 4;

    public async Task<string> ForUserNameAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = normalizer.NormalizeName(userName.Trim()) ?? "";
        var phrase = await db.Users
            .Where(u => u.NormalizedUserName == normalized && u.Status != AccountStatus.Expired)
            .Select(u => u.ProtectionPhrase)
            .FirstOrDefaultAsync(cancellationToken);

        // An account from before phrases existed has none; it is shown its decoy, which is as good a phrase.
        return string.IsNullOrEmpty(phrase) ? Decoy(normalized) : phrase;
    }

    public string Decoy(string normalizedUserName) =>
        Compose(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.DecoyPhraseKey), Encoding.UTF8.GetBytes(normalizedUserName)));

    /// <summary>Fresh random phrases for a new account to choose from.</summary>
    public static IReadOnlyList<string> NewChoices() =>
        [.. Enumerable.Range(0, ChoiceCount).Select(_ => Compose(RandomNumberGenerator.GetBytes(8))).Distinct()];

    /// <summary>Whether <paramref name="phrase"/> is one the generator can produce (the only phrases an account may have).</summary>
    public static bool IsGenerated(string? phrase)
    {
        var words = phrase?.Split(' ');
        return words is { Length: 4 }
            && Adjectives.Contains(words[0], StringComparer.Ordinal)
            && Nouns.Contains(words[1], StringComparer.Ordinal)
            && Prepositions.Contains(words[2], StringComparer.Ordinal)
            && Places.Contains(words[3], StringComparer.Ordinal);
    }

    private static string Compose(ReadOnlySpan<byte> entropy) =>
        string.Join(' ',
            Adjectives[BitConverter.ToUInt16(entropy[..2]) % Adjectives.Length],
            Nouns[BitConverter.ToUInt16(entropy[2..4]) % Nouns.Length],
            Prepositions[entropy[4] % Prepositions.Length],
            Places[BitConverter.ToUInt16(entropy[5..7]) % Places.Length]);
}

/// <summary>A protection phrase the generator can produce (<see cref="ProtectionPhrases.IsGenerated"/>); people choose, they do not type.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class GeneratedPhraseAttribute : ValidationAttribute
{
    public GeneratedPhraseAttribute()
        : base("Choose one of the phrases offered.")
    {
    }

    public override bool IsValid(object? value) => value is null or "" || (value is string phrase && ProtectionPhrases.IsGenerated(phrase));
}
