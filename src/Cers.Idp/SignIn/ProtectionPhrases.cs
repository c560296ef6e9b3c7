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
/// The phrase shown on the second sign-in step. An account's own phrase, or for a username no
/// account has, a decoy: HMAC-SHA256 of the normalized username under a server secret picks words
/// for a phrase of the same shape as a person's, so the same unknown name always shows the same
/// phrase and the page reveals nothing about which usernames exist.
/// </summary>
public sealed class ProtectionPhrases(IdpDbContext db, ILookupNormalizer normalizer, IOptions<SignInOptions> options)
{
    private static readonly string[] Adjectives =
    [
        "amber", "blue", "quiet", "golden", "silver", "green", "little", "crimson", "misty", "sunny", "old", "bright",
        "lazy", "brave", "wild", "gentle", "rusty", "purple", "tall", "hidden", "frozen", "happy", "windy", "dusty",
        "lucky", "sleepy", "shady", "copper", "velvet", "rocky", "sandy", "northern",
    ];

    private static readonly string[] Nouns =
    [
        "heron", "canoe", "lantern", "orchard", "poppy", "redwood", "harbor", "bicycle", "kettle", "meadow", "falcon",
        "lighthouse", "trail", "sparrow", "willow", "otter", "pelican", "vineyard", "cabin", "compass", "teapot",
        "quail", "bridge", "garden", "sailboat", "tortoise", "pinecone", "fiddle", "raven", "sequoia", "tractor", "lemon",
    ];

    private static readonly string[] Places =
    [
        "Tahoe", "the bay", "Yosemite", "the river", "Big Sur", "the valley", "Shasta", "the coast", "Monterey",
        "the desert", "Sonoma", "the lake", "Mendocino", "the hills", "Joshua Tree", "the pier",
    ];

    private static readonly string[] Shapes = ["{0} {1} at {2}", "my {0} {1}", "the {0} {1} of {2}", "{1} near {2}"];

    public async Task<string> ForUserNameAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = normalizer.NormalizeName(userName.Trim()) ?? "";
        var phrase = await db.Users
            .Where(u => u.NormalizedUserName == normalized && u.Status != AccountStatus.Expired)
            .Select(u => u.ProtectionPhrase)
            .FirstOrDefaultAsync(cancellationToken);
        return phrase ?? Decoy(normalized);
    }

    public string Decoy(string normalizedUserName)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.DecoyPhraseKey), Encoding.UTF8.GetBytes(normalizedUserName));
        var shape = Shapes[mac[0] % Shapes.Length];
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, shape,
            Adjectives[mac[1] % Adjectives.Length], Nouns[mac[2] % Nouns.Length], Places[mac[3] % Places.Length]);
    }
}
