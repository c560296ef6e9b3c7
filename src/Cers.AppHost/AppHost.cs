using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// The provider keeps the fixed development address http://localhost:5001 from its launch profile:
// the seeded portal client's redirect URIs and the API's token issuer both name it.
var idp = builder.AddProject<Projects.Cers_Idp>("idp")
    .WithHttpHealthCheck("/health");

var facilityApi = builder.AddProject<Projects.Cers_FacilityApi>("facility-api")
    .WithEnvironment("Authentication__Authority", idp.GetEndpoint("http"))
    .WithHttpHealthCheck("/health")
    .WaitFor(idp);

var app = builder.Build();

app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
    Console.WriteLine($"""

        CERS is starting. Open:
          CERS Central (identity provider):  {idp.GetEndpoint("http").Url}
          Discovery document:                {idp.GetEndpoint("http").Url}/.well-known/openid-configuration
          Facility API health:               {facilityApi.GetEndpoint("http").Url}/health
        Development sign-ins: bizuser1 / "correct horse battery staple" (see src/Cers.Idp/appsettings.Development.json).

        """));

app.Run();
