using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cers.Idp.Oidc;

/// <summary>
/// Makes the database's clients and scopes match configuration at every start: creates what is
/// new, updates what changed (including rotated secrets), and deletes clients no longer configured,
/// so configuration is the single source of truth. Running it twice changes nothing more.
/// </summary>
public sealed partial class ClientSeeder(
    IOpenIddictApplicationManager applications,
    IOpenIddictScopeManager scopes,
    IOptions<OidcOptions> options,
    ILogger<ClientSeeder> logger)
{
    public const string AgencyCodeProperty = "agency_code";

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await SeedScopesAsync(cancellationToken);

        var configured = options.Value.Clients;
        foreach (var client in configured)
        {
            var descriptor = Describe(client);
            var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                LogClientCreated(logger, client.ClientId);
            }
            else
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            }
        }

        var wanted = configured.Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
        var stale = new List<object>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            if (!wanted.Contains(await applications.GetClientIdAsync(application, cancellationToken) ?? ""))
            {
                stale.Add(application);
            }
        }

        foreach (var application in stale)
        {
            var clientId = await applications.GetClientIdAsync(application, cancellationToken);
            await applications.DeleteAsync(application, cancellationToken);
            LogClientRemoved(logger, clientId);
        }
    }

    private async Task SeedScopesAsync(CancellationToken cancellationToken)
    {
        foreach (var name in CersScopes.FacilityScopes)
        {
            var descriptor = new OpenIddictScopeDescriptor { Name = name, DisplayName = name };
            descriptor.Resources.Add(CersScopes.FacilityApiAudience);

            var existing = await scopes.FindByNameAsync(name, cancellationToken);
            if (existing is null)
            {
                await scopes.CreateAsync(descriptor, cancellationToken);
            }
            else
            {
                await scopes.UpdateAsync(existing, descriptor, cancellationToken);
            }
        }
    }

    internal static OpenIddictApplicationDescriptor Describe(ClientOptions client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = client.DisplayName,
            ConsentType = ConsentTypes.Implicit,
        };

        descriptor.Permissions.UnionWith([
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Introspection,
            Permissions.Endpoints.Revocation,
        ]);

        if (client.Kind == ClientKind.WebApp)
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.PushedAuthorization,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            ]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            descriptor.RedirectUris.UnionWith(client.RedirectUris);
            descriptor.PostLogoutRedirectUris.UnionWith(client.PostLogoutRedirectUris);
        }
        else
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        foreach (var scope in client.Scopes.Where(s => s != Scopes.OpenId))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        if (!string.IsNullOrWhiteSpace(client.JsonWebKeySet))
        {
            descriptor.JsonWebKeySet = Microsoft.IdentityModel.Tokens.JsonWebKeySet.Create(client.JsonWebKeySet);
        }

        if (!string.IsNullOrWhiteSpace(client.AgencyCode))
        {
            descriptor.Properties[AgencyCodeProperty] = JsonSerializer.SerializeToElement(client.AgencyCode);
        }

        return descriptor;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OIDC client {ClientId} created from configuration")]
    private static partial void LogClientCreated(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OIDC client {ClientId} removed: it is no longer configured")]
    private static partial void LogClientRemoved(ILogger logger, string? clientId);
}
