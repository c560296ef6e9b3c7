extern alias api;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using FacilityRegistration = api::Cers.FacilityApi.Facilities.FacilityRegistration;
using NewFacility = api::Cers.FacilityApi.Facilities.NewFacility;

namespace Cers.BusinessPortal.Tests.Infrastructure;

/// <summary>A provider account a test made for itself.</summary>
public sealed record TestAccount(string Id, string UserName, string Password, string DisplayName);

/// <summary>
/// The provider, the facility API and the portal, all real, all on loopback HTTP, each with fresh
/// data, shared by the tests of the collection. The provider issues access tokens for
/// <see cref="AccessTokenLifetime"/>; the portal runs on <see cref="Clock"/>.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime, IDisposable
{
    public const string Password = "a long enough test password";

    /// <summary>Short, as the refresh tests need; the portal renews a token a minute before it runs out.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(5);

    private readonly TempDirectory _data = new("cers-portal-tests-");

    public SmtpListener Smtp { get; } = new();

    public IdpHost Idp { get; private set; } = null!;

    public ApiHost Api { get; private set; } = null!;

    public PortalHost Portal { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>
    /// A second port the provider knows the portal's redirect URIs (and its back-channel logout URI) at, for a test that
    /// needs a portal of its own (its own clock moved hours ahead, which would age every other test's session on the
    /// shared one; one the test stops and starts again).
    /// </summary>
    public int SparePortalPort { get; private set; }

    public Task InitializeAsync()
    {
        var port = Loopback.FreePort();
        var portal = new Uri($"http://127.0.0.1:{port}/");
        SparePortalPort = Loopback.FreePort();
        var spare = new Uri($"http://127.0.0.1:{SparePortalPort}/");
        var settings = new Dictionary<string, string?>(Smtp.Settings())
        {
            ["Oidc:Clients:0:RedirectUris:0"] = new Uri(portal, "signin-oidc").ToString(),
            ["Oidc:Clients:0:PostLogoutRedirectUris:0"] = new Uri(portal, "signout-callback-oidc").ToString(),
            ["Oidc:Clients:0:RedirectUris:1"] = new Uri(spare, "signin-oidc").ToString(),
            ["Oidc:Clients:0:PostLogoutRedirectUris:1"] = new Uri(spare, "signout-callback-oidc").ToString(),
            ["Oidc:AccessTokenLifetime"] = AccessTokenLifetime.ToString(),

            // The portal on the spare port takes back-channel logouts (the shared one runs on a test clock, which would
            // judge a logout token's age by it); failed deliveries are retried within a second or two.
            ["Oidc:Clients:0:BackChannelLogoutUri"] = new Uri(spare, "signout-backchannel").ToString(),
            ["LogoutDelivery:FirstRetryDelay"] = "00:00:01",
            ["LogoutDelivery:MaxRetryDelay"] = "00:00:02",
        };
        Idp = new IdpHost(_data.Path, settings, kestrel: true).Start();
        Api = new ApiHost(Idp.BaseAddress, Path.Combine(_data.Path, "facility-api"), Smtp.Settings());
        Portal = new PortalHost(port, Idp.BaseAddress, Api.BaseAddress, Clock);
        return Task.CompletedTask;
    }

    /// <summary>A browser of its own (its own cookies) at the portal's home.</summary>
    public PortalBrowser NewBrowser() => new(Portal.BaseAddress);

    /// <summary>An active account at the provider; a regulator of <paramref name="agencyCode"/> when given.</summary>
    public async Task<TestAccount> CreateAccountAsync(string firstName = "Test", string? agencyCode = null, string? phone = null, string? title = null)
    {
        var name = "p" + Guid.NewGuid().ToString("N")[..12];
        var id = await Idp.CreateActiveAccountAsync(name, firstName, "Tester", Password, agencyCode: agencyCode, phone: phone, title: title);
        return new TestAccount(id, name, Password, $"{firstName} Tester");
    }

    /// <summary>
    /// A business with one facility in Sacramento and no member at all, as businesses imported from the
    /// old system are: requests for it go to the regulator. Written through the API's own registration service.
    /// </summary>
    public async Task AddBusinessWithoutLeadUserAsync(string name, string street)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var registration = scope.ServiceProvider.GetRequiredService<FacilityRegistration>();
        var business = await registration.RegisterBusinessAsync(name, CancellationToken.None);
        await registration.RegisterFacilityAsync(business.Id, new NewFacility(name + " Yard", street, "Sacramento", "95814", "Sacramento"),
            CancellationToken.None);
    }

    /// <summary>The provider's tokens of <paramref name="account"/>: (type, status) pairs.</summary>
    public async Task<List<(string? Type, string? Status)>> TokensOfAsync(TestAccount account)
    {
        await using var scope = Idp.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var found = new List<(string?, string?)>();
        await foreach (var token in tokens.FindBySubjectAsync(account.Id))
        {
            found.Add((await tokens.GetTypeAsync(token), await tokens.GetStatusAsync(token)));
        }

        return found;
    }

    /// <summary>Revokes every token of <paramref name="account"/> at the provider, as a password reset does.</summary>
    public async Task RevokeTokensAsync(TestAccount account)
    {
        await using var scope = Idp.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeBySubjectAsync(account.Id);
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Api.DisposeAsync();
        await Idp.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>After <see cref="DisposeAsync"/>: the data folder, once nothing holds its files.</summary>
    public void Dispose() => _data.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "business-portal";
}
