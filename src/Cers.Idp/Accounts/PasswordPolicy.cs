using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Cers.Idp.Accounts;

/// <summary>The <c>PasswordPolicy</c> section.</summary>
public sealed class PasswordPolicyOptions
{
    public const string SectionName = "PasswordPolicy";

    /// <summary>NIST SP 800-63B section 5.1.1.2 asks for at least 8; CERS asks for 12.</summary>
    [Range(8, 64)]
    public int MinimumLength { get; set; } = 12;
}

/// <summary>
/// NIST SP 800-63B section 5.1.1.2: long enough, at most 128 characters, no composition rules, and
/// not a value an attacker tries first. "Tries first" is the shipped list of 30,000 common and
/// breached passwords from zxcvbn (the passwords dictionary of zxcvbn-core), plus zxcvbn's own
/// estimate, which also catches repeats, sequences, keyboard walks and dictionary words with a digit
/// stuck on (score 0-1: guessed within a million tries), and the account's own username, email and
/// names ("context-specific words").
/// </summary>
public sealed class NistPasswordValidator : IPasswordValidator<CersUser>
{
    public const int MaximumLength = 128;

    public const string TooLongCode = "PasswordTooLong";
    public const string CommonCode = "PasswordCommon";
    public const string GuessableCode = "PasswordGuessable";
    public const string PersonalCode = "PasswordPersonal";

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommonPasswords);

    public Task<IdentityResult> ValidateAsync(UserManager<CersUser> manager, CersUser user, string? password) =>
        Task.FromResult(Validate(user, password ?? ""));

    public static IdentityResult Validate(CersUser user, string password)
    {
        if (password.Length > MaximumLength)
        {
            return Fail(TooLongCode, $"Choose a password of at most {MaximumLength} characters.");
        }

        var lowered = password.ToLowerInvariant();
        if (Common.Value.Contains(lowered))
        {
            return Fail(CommonCode, "This password is on a list of common or breached passwords. Choose another.");
        }

        var personal = PersonalWords(user).ToList();
        if (personal.Any(word => lowered.Contains(word, StringComparison.Ordinal)))
        {
            return Fail(PersonalCode, "The password must not contain your username or the name part of your email address.");
        }

        if (password.Length >= 8 && Zxcvbn.Zxcvbn.MatchPassword(password, [.. personal, "cers", "calepa", "california"]).Score < 2)
        {
            return Fail(GuessableCode, "This password is too easy to guess (a common word, name, pattern or repeated characters). A few unrelated words make a strong password.");
        }

        return IdentityResult.Success;
    }

    private static IEnumerable<string> PersonalWords(CersUser user)
    {
        if (user.UserName is { Length: >= 3 } userName)
        {
            yield return userName.ToLowerInvariant();
        }

        var local = user.Email?.Split('@')[0];
        if (local is { Length: >= 3 })
        {
            yield return local.ToLowerInvariant();
        }
    }

    private static IdentityResult Fail(string code, string description) =>
        IdentityResult.Failed(new IdentityError { Code = code, Description = description });

    private static HashSet<string> LoadCommonPasswords()
    {
        var assembly = typeof(Zxcvbn.Zxcvbn).Assembly;
        using var stream = assembly.GetManifestResourceStream("zxcvbn-core.Dictionaries.passwords.lst")
            ?? throw new InvalidOperationException("The common-password list is missing from zxcvbn-core.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim() is { Length: > 0 } entry)
            {
                set.Add(entry.ToLowerInvariant());
            }
        }

        return set;
    }

    /// <summary>Loads the list and zxcvbn's dictionaries at start, not on the first registration.</summary>
    public static void Warm() => Validate(new CersUser { UserName = "warmup" }, "warm up the dictionaries");
}
