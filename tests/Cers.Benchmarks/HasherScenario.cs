extern alias idp;

using idp::Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Benchmarks;

/// <summary>
/// The ceiling for password sign-ins: how many password-hash verifications per second the machine does
/// with nothing else running, one thread per core. The hasher is the app's own (resolved from its
/// services, so with its iteration count) and the hash is a benchmark account's stored hash, exactly
/// what each sign-in verifies.
/// </summary>
internal static class HasherScenario
{
    public static ScenarioResult Run(string scenario, IServiceProvider services, string passwordHash, string password,
        LoadShape shape, CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<CersUser>>();
        var user = new CersUser();

        string? Verify() =>
            hasher.VerifyHashedPassword(user, passwordHash, password) is PasswordVerificationResult.Success
                ? null
                : "the stored hash did not verify (or needs rehashing)";

        if (Verify() is { } problem)
        {
            return ScenarioResult.NotRun(scenario, problem);
        }

        return LoadLoop.RunOnThreads(scenario, shape, Verify, cancellationToken);
    }
}
