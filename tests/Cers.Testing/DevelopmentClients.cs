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
}
