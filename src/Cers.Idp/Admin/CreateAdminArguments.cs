using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;

namespace Cers.Idp.Admin;

/// <summary>
/// The <c>create-admin</c> command line: who becomes a CERS admin. There is deliberately no password
/// option: a password typed on a command line lands in shell history and process listings, so the
/// person sets their own through a one-time link instead.
/// </summary>
public sealed class CreateAdminArguments
{
    public const string CommandName = "create-admin";

    public const string Usage = """
        Usage: dotnet run --project src/Cers.Idp -- create-admin --username <name> --email <address> --first-name <first> --last-name <last> [--protection-phrase "<phrase>"]

        Creates an active CERS admin account without a password (or makes an existing active account with
        the same username and email a CERS admin) and prints a one-time link, valid for one hour, where the
        person sets their password. Configuration settings may follow, e.g. --Database:DataDirectory <folder>.

          --username           5 to 16 letters and digits
          --email              the person's own email address
          --first-name         first name
          --last-name          last name
          --protection-phrase  optional: the phrase shown at sign-in before the password, in the
                               generator's form (e.g. "amber heron over Tahoe"); a random one when left out
        """;

    /// <summary>Host settings the command line may carry besides configuration keys with a colon (<c>--Database:DataDirectory</c>).</summary>
    private static readonly HashSet<string> HostSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "environment", "contentRoot", "applicationName", "urls",
    };

    private static readonly HashSet<string> Options = new(StringComparer.OrdinalIgnoreCase)
    {
        "username", "email", "first-name", "last-name", "protection-phrase",
    };

    [Required(ErrorMessage = "--username is required.")]
    [RegularExpression("^[A-Za-z0-9]{5,16}$", ErrorMessage = "--username must be 5 to 16 letters and digits, with no spaces or symbols.")]
    public string? UserName { get; private set; }

    [Required(ErrorMessage = "--email is required.")]
    [StringLength(254, ErrorMessage = "--email has at most 254 characters.")]
    [Cers.Email.DeliverableEmail(ErrorMessage = "--email must be an email address like name@example.gov.")]
    public string? Email { get; private set; }

    [Required(ErrorMessage = "--first-name is required.")]
    [StringLength(50, ErrorMessage = "--first-name has at most 50 characters.")]
    [PlainText(ErrorMessage = "--first-name cannot contain angle brackets (< >) or control characters.")]
    public string? FirstName { get; private set; }

    [Required(ErrorMessage = "--last-name is required.")]
    [StringLength(50, ErrorMessage = "--last-name has at most 50 characters.")]
    [PlainText(ErrorMessage = "--last-name cannot contain angle brackets (< >) or control characters.")]
    public string? LastName { get; private set; }

    [Cers.Idp.SignIn.GeneratedPhrase(ErrorMessage = "--protection-phrase must be a generated phrase: adjective noun preposition place, e.g. \"amber heron over Tahoe\".")]
    public string? ProtectionPhrase { get; private set; }

    /// <summary>
    /// Reads <c>create-admin --name value</c> (or <c>--name=value</c>). Errors name the option; an
    /// unknown option is an error rather than configuration, so a typo is not silently ignored.
    /// </summary>
    public static CreateAdminParse Parse(IReadOnlyList<string> args)
    {
        var parsed = new CreateAdminArguments();
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                return new CreateAdminParse(null, [], Help: true);
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                errors.Add($"Unexpected argument '{arg}'.");
                continue;
            }

            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? arg[2..] : arg[2..separator];
            string? value = separator < 0 ? null : arg[(separator + 1)..];
            if (value is null)
            {
                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    value = args[++i];
                }
            }

            if (name.Contains(':', StringComparison.Ordinal) || HostSettings.Contains(name))
            {
                // Configuration for the host (read by WebApplication.CreateBuilder), not for the command.
                continue;
            }

            if (!Options.Contains(name))
            {
                errors.Add($"Unknown option --{name}.");
                continue;
            }

            if (!seen.Add(name))
            {
                errors.Add($"--{name} is given more than once.");
                continue;
            }

            if (value is null)
            {
                errors.Add($"--{name} needs a value.");
                continue;
            }

            value = value.Trim();
            switch (name.ToLowerInvariant())
            {
                case "username":
                    parsed.UserName = value;
                    break;
                case "email":
                    parsed.Email = value;
                    break;
                case "first-name":
                    parsed.FirstName = value;
                    break;
                case "last-name":
                    parsed.LastName = value;
                    break;
                default:
                    parsed.ProtectionPhrase = value;
                    break;
            }
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(parsed, new ValidationContext(parsed), results, validateAllProperties: true);
        errors.AddRange(results.Select(r => r.ErrorMessage ?? "Invalid argument."));
        return errors.Count == 0 ? new CreateAdminParse(parsed, [], Help: false) : new CreateAdminParse(null, errors, Help: false);
    }
}

/// <summary>The command line read: the arguments when valid, else what is wrong with it; or a request for help.</summary>
public sealed record CreateAdminParse(CreateAdminArguments? Arguments, IReadOnlyList<string> Errors, bool Help);
