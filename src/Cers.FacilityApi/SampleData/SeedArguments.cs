using System.Globalization;

namespace Cers.FacilityApi.SampleData;

/// <summary>
/// <c>seed [--facilities N] [--seed S] [--agencies-only]</c>. Configuration keys on the same command
/// line (<c>--Database:DataDirectory /tmp/x</c>, <c>--environment Development</c>) belong to the host
/// and are passed over here.
/// </summary>
public sealed record SeedArguments(int Facilities, int Seed, bool AgenciesOnly)
{
    public const string CommandName = "seed";

    public const int DefaultFacilities = 20_000;

    public const int MaxFacilities = 50_000_000;

    public const string Usage = """
        Usage: dotnet run --project src/Cers.FacilityApi -- seed [--facilities N] [--seed S] [--agencies-only]

          Adds the sample regulator agencies that are missing, then N sample facilities (default 20000) in
          sample businesses, generated from seed S (default 20261128): the same N and S give the same rows.
          Development only. Any configuration key may follow, e.g. --Database:DataDirectory /tmp/cers-seed.
        """;

    private static readonly string[] HostSwitches = ["--environment", "--contentRoot", "--applicationName", "--urls"];

    public static (SeedArguments? Arguments, bool Help, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args)
    {
        var errors = new List<string>();
        int facilities = DefaultFacilities, seed = SampleDataExtensions.DefaultSeed;
        var agenciesOnly = false;
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    return (null, true, []);
                case "--agencies-only":
                    agenciesOnly = true;
                    break;
                case "--facilities":
                    facilities = Number(args, ref i, arg, 1, MaxFacilities, errors) ?? facilities;
                    break;
                case "--seed":
                    seed = Number(args, ref i, arg, int.MinValue, int.MaxValue, errors) ?? seed;
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal)
                        && (arg.Contains(':', StringComparison.Ordinal) || HostSwitches.Contains(arg.Split('=')[0], StringComparer.OrdinalIgnoreCase)))
                    {
                        // A configuration key for the host; its value follows unless written as key=value.
                        i += arg.Contains('=', StringComparison.Ordinal) ? 0 : 1;
                        break;
                    }

                    errors.Add($"Unknown argument '{arg}'.");
                    break;
            }
        }

        return errors.Count > 0 ? (null, false, errors) : (new SeedArguments(facilities, seed, agenciesOnly), false, errors);
    }

    private static int? Number(IReadOnlyList<string> args, ref int i, string name, int min, int max, List<string> errors)
    {
        if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            errors.Add($"{name} takes a whole number from {min} to {max}.");
            i++;
            return null;
        }

        i++;
        return value;
    }
}
