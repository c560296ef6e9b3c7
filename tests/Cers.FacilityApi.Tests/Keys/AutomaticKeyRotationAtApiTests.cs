extern alias idp;

using System.Net;
using System.Net.Http.Headers;
using Cers.FacilityApi.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using AutomaticSigningKeys = idp::Cers.Idp.Keys.AutomaticSigningKeys;
using IdpDbContext = idp::Cers.Idp.Data.IdpDbContext;

namespace Cers.FacilityApi.Tests.Keys;

/// <summary>
/// The provider in <c>Keys:Mode=Automatic</c> and the real facility API, both on one clock the test moves through a year.
/// For each rotation a facility API starts while the next key is being propagated and keeps the JWKS it fetched then
/// (its cache follows the machine's clock, so it never fetches again during the test): every token the provider signs
/// before, during and after the handover must be accepted at its first presentation, which only holds if the new key was
/// published before it signed.
/// </summary>
public sealed class AutomaticKeyRotationAtApiTests
{
    [Fact]
    public async Task Through_a_year_of_rotations_the_API_accepts_tokens_signed_before_during_and_after_each_handover()
    {
        using var data = new TempDirectory("cers-keys-api-");
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        using var provider = new IdpHost(data.Path, new Dictionary<string, string?> { ["Keys:Mode"] = "Automatic" }, kestrel: true,
            services: services => services.AddSingleton<TimeProvider>(clock)).Start();
        var keys = provider.Services.GetRequiredService<AutomaticSigningKeys>();
        using var toProvider = provider.CreateBackChannel();
        var signers = new List<string> { new JsonWebToken(await DevelopmentClients.RegulatorAccessTokenAsync(toProvider)).Kid };

        async Task MoveAsync(TimeSpan by)
        {
            clock.Advance(by);
            await keys.RefreshAsync(CancellationToken.None);
        }

        for (var rotation = 1; rotation <= 4; rotation++)
        {
            // A day into the propagation of the next key (90-day keys, published 2 days before they sign).
            var current = await KeyAsync(provider, signers[^1]);
            await MoveAsync(current.ActivatesAt.AddDays(89) - clock.GetUtcNow().UtcDateTime);
            var next = await PendingKeyAsync(provider, clock);

            using var api = new FacilityApiHost(provider.BaseAddress, Path.Combine(data.Path, $"api-{rotation}"),
                services: services => services.AddSingleton<TimeProvider>(clock));

            // Before: the current key signs, and the API fetches the JWKS (with the next key in it) for its first request.
            (await CallAsync(api, await DevelopmentClients.RegulatorAccessTokenAsync(toProvider))).ShouldBe(HttpStatusCode.OK, $"rotation {rotation}, before");

            // During, a few minutes before the handover: still the current key.
            await MoveAsync(next.ActivatesAt.AddMinutes(-5) - clock.GetUtcNow().UtcDateTime);
            var lastOfCurrent = await DevelopmentClients.RegulatorAccessTokenAsync(toProvider);
            new JsonWebToken(lastOfCurrent).Kid.ShouldBe(signers[^1]);
            (await CallAsync(api, lastOfCurrent)).ShouldBe(HttpStatusCode.OK, $"rotation {rotation}, during");

            // After: the next key signs, the API accepts it from the JWKS it already had, and the token of a few
            // minutes before (still within its 15 minutes) too.
            await MoveAsync(TimeSpan.FromMinutes(6));
            var firstOfNext = await DevelopmentClients.RegulatorAccessTokenAsync(toProvider);
            new JsonWebToken(firstOfNext).Kid.ShouldBe(next.Id);
            (await CallAsync(api, firstOfNext)).ShouldBe(HttpStatusCode.OK, $"rotation {rotation}, after: the new key");
            (await CallAsync(api, lastOfCurrent)).ShouldBe(HttpStatusCode.OK, $"rotation {rotation}, after: the previous key's token");
            signers.Add(next.Id);
        }

        signers.Distinct().Count().ShouldBe(5);
    }

    private static async Task<HttpStatusCode> CallAsync(FacilityApiHost api, string token)
    {
        using var caller = api.CreateCaller();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/agencies");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await caller.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<idp::Cers.Idp.Keys.SigningKey> KeyAsync(IdpHost provider, string id)
    {
        await using var scope = provider.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().SigningKeys.AsNoTracking().SingleAsync(k => k.Id == id);
    }

    private static async Task<idp::Cers.Idp.Keys.SigningKey> PendingKeyAsync(IdpHost provider, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = provider.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdpDbContext>().SigningKeys.AsNoTracking()
            .SingleAsync(k => k.Algorithm == "ES256" && k.ActivatesAt > now);
    }
}
