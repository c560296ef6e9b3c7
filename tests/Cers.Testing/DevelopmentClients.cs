namespace Cers.Testing;

/// <summary>The clients seeded from src/Cers.Idp/appsettings.Development.json, as tests call them.</summary>
public static class DevelopmentClients
{
    public const string PortalClientId = "cers-business-portal";
    public const string PortalSecret = "development-only-portal-secret-8c1f2a9e5b7d4e6f";
    public const string PortalRedirectUri = "http://localhost:5003/signin-oidc";
    public const string PortalPostLogoutRedirectUri = "http://localhost:5003/signout-callback-oidc";
    public const string RegulatorClientId = "regulator-sacramento-emd";
    public const string RegulatorSecret = "development-only-regulator-secret-3d9b6c0a1e4f";
    public const string RegulatorAgencyCode = "SAC-EMD";

    /// <summary>An access token of the example regulator API client (client_credentials) from the provider <paramref name="http"/> calls.</summary>
    public static async Task<string> RegulatorAccessTokenAsync(HttpClient http, string scope = "facility.read")
    {
        var token = await Duende.IdentityModel.Client.HttpClientTokenRequestExtensions.RequestClientCredentialsTokenAsync(http,
            new Duende.IdentityModel.Client.ClientCredentialsTokenRequest
            {
                Address = "connect/token",
                ClientId = RegulatorClientId,
                ClientSecret = RegulatorSecret,
                Scope = scope,
            });
        if (token.IsError)
        {
            throw new InvalidOperationException($"The provider refused the regulator client: {token.Error} {token.ErrorDescription}");
        }

        return token.AccessToken!;
    }
}
