using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// smtp4dev, the local .NET tool from .config/dotnet-tools.json (restored by this project's build):
// it accepts every email the services send on port 2525 and shows them in its web UI, so the
// activation email can be read and its link followed. Messages live in memory only.
var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
var smtp = builder.AddExecutable("smtp4dev", "dotnet", repositoryRoot,
        "tool", "run", "smtp4dev", "--",
        $"--smtpport={DevelopmentSmtp.SmtpPort}", "--imapport=0", "--pop3port=0", "--db=", "--nousersettings",
        $"--urls=http://localhost:{DevelopmentSmtp.WebPort}")
    .WithHttpEndpoint(port: DevelopmentSmtp.WebPort, isProxied: false)
    .WithHttpHealthCheck("/");

// Each service listens on its launch profile's address itself rather than behind Aspire's development
// proxy, which would make every visitor's connection come from the proxy: the rate limits and the audit
// log key on the client's address, and one person's attempts would count against everybody.

// The provider keeps the fixed development address http://localhost:5001 from its launch profile:
// the seeded portal client's redirect URIs and the API's token issuer both name it.
var idp = builder.AddProject<Projects.Cers_Idp>("idp")
    .WithEndpoint("http", endpoint => endpoint.IsProxied = false);

// The address people and clients use: it is the token issuer and the origin of every link in an email.
idp.WithEnvironment("Oidc__Issuer", idp.GetEndpoint("http"))
    .WithEnvironment("Email__Smtp__Host", "localhost")
    .WithEnvironment("Email__Smtp__Port", DevelopmentSmtp.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
    .WithEnvironment("Email__Smtp__Security", "None")
    .WithHttpHealthCheck("/health")
    .WaitFor(smtp);

// The API keeps http://localhost:5002 from its launch profile: its jobs dashboard's sign-in redirect
// URI, configured at the provider, names it.
var facilityApi = builder.AddProject<Projects.Cers_FacilityApi>("facility-api")
    .WithEndpoint("http", endpoint => endpoint.IsProxied = false)
    .WithEnvironment("Authentication__Authority", idp.GetEndpoint("http"))
    .WithEnvironment("Email__Smtp__Host", "localhost")
    .WithEnvironment("Email__Smtp__Port", DevelopmentSmtp.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
    .WithEnvironment("Email__Smtp__Security", "None")
    .WithHttpHealthCheck("/health")
    .WaitFor(idp)
    .WaitFor(smtp);

// The portal keeps http://localhost:5003 from its launch profile: the redirect URIs of its client at the
// provider name it. CERS Central's Business Portal Sign In leads there, and the API's emails link to it.
var portal = builder.AddProject<Projects.Cers_BusinessPortal>("business-portal")
    .WithEndpoint("http", endpoint => endpoint.IsProxied = false)
    .WithEnvironment("Oidc__Authority", idp.GetEndpoint("http"))
    .WithEnvironment("FacilityApi__BaseAddress", facilityApi.GetEndpoint("http"))
    .WithHttpHealthCheck("/health")
    .WaitFor(idp)
    .WaitFor(facilityApi);
idp.WithEnvironment("BusinessPortal__Url", portal.GetEndpoint("http"));
facilityApi.WithEnvironment("AccessRequests__PortalUrl", portal.GetEndpoint("http"));

var app = builder.Build();

app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
    Console.WriteLine($"""

        CERS is starting. Open:
          CERS Central (start here):         {idp.GetEndpoint("http").Url}
          Business Portal:                   {portal.GetEndpoint("http").Url}
          Create New Account:                {idp.GetEndpoint("http").Url}/Account/Register
          Emails sent (smtp4dev):            {smtp.GetEndpoint("http").Url}
          Discovery document:                {idp.GetEndpoint("http").Url}/.well-known/openid-configuration
          Facility API (OpenAPI browser):    {facilityApi.GetEndpoint("http").Url}/scalar
          Facility API jobs (CERS admins):   {facilityApi.GetEndpoint("http").Url}/jobs
        Development sign-ins: bizuser1 / "correct horse battery staple", cersadmin1 / "help desk sample password 1"
        (see src/Cers.Idp/appsettings.Development.json).

        """));

app.Run();

/// <summary>Fixed development ports of smtp4dev; the provider's appsettings.Development.json names the same SMTP port.</summary>
internal static class DevelopmentSmtp
{
    public const int SmtpPort = 2525;
    public const int WebPort = 5080;
}
