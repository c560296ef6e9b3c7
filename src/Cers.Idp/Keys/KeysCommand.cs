using Microsoft.Extensions.Options;

namespace Cers.Idp.Keys;

/// <summary>
/// The <c>keys</c> command, run like <c>migrate</c> with the deployment's configuration and exiting after:
/// <c>keys list</c>, <c>keys rotate</c> (a new key of each algorithm signs at once) and <c>keys retire KEY-ID</c> (the key
/// leaves the JWKS at once). Running instances see a change within <c>Keys:Automatic:RefreshInterval</c>. Exit codes:
/// 0 done, 1 refused (not in Automatic mode, no such key), 2 the command line is wrong.
/// </summary>
public static class KeysCommand
{
    public const string CommandName = "keys";

    public const string Usage = """
        Usage: keys list | keys rotate | keys retire KEY-ID
          list          every signing key with its schedule and state
          rotate        a new RS256 and ES256 key sign from now on (the old ones stay published for their tokens)
          retire KEY-ID the key signs nothing more and leaves the JWKS at once: tokens it signed stop validating
        """;

    /// <returns>The exit code, or null when <paramref name="args"/> name another command or none.</returns>
    public static async Task<int?> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        if (args.Count == 0 || !string.Equals(args[0], CommandName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var verb = args.Count > 1 ? args[1].ToLowerInvariant() : "";
        if (verb is not ("list" or "rotate" or "retire") || (verb == "retire" ? args.Count != 3 : args.Count != 2))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        if (services.GetRequiredService<IOptions<KeyOptions>>().Value.Mode != KeyMode.Automatic)
        {
            await error.WriteLineAsync("Keys:Mode is Certificates: signing certificates are rolled over in configuration (Keys:SigningCertificates), not by this command.");
            return 1;
        }

        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<SigningKeyStore>();
        var actor = new KeyChangeActor(null, $"command line ({Environment.UserName})");
        switch (verb)
        {
            case "rotate":
                foreach (var key in await store.RotateNowAsync(actor, cancellationToken))
                {
                    await output.WriteLineAsync($"{key.Id} ({key.Algorithm}) signs from now on.");
                }

                await output.WriteLineAsync("The keys it replaces stay published for the tokens they signed; retire them to end those tokens too.");
                return 0;
            case "retire":
                if (!await store.RetireAsync(args[2], actor, cancellationToken))
                {
                    await error.WriteLineAsync($"No key was retired: '{args[2]}' does not exist or is retired already.");
                    return 1;
                }

                await output.WriteLineAsync($"{args[2]} is retired: it signs nothing more and has left the JWKS.");
                return 0;
            default:
                var time = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
                var keys = await store.ListAsync(cancellationToken);
                foreach (var key in keys)
                {
                    var state = SigningKeySchedule.StateOf(key, keys.Where(k => k.Algorithm == key.Algorithm).ToList(), time, store.Retention);
                    await output.WriteLineAsync($"{key.Id}  {key.Algorithm}  published {key.CreatedAt:u}  signs from {key.ActivatesAt:u}  {state}");
                }

                return 0;
        }
    }
}
