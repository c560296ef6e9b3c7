using Cers.Idp;
using Cers.Idp.Admin;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIdp();

var app = builder.Build();

// `create-admin ...` and other maintenance commands run on the same configuration and database, then exit.
if (await app.RunCommandAsync(args) is { } exitCode)
{
    return exitCode;
}

await app.UseIdpAsync();

await app.RunAsync();
return 0;

/// <summary>Entry point, public so the test host and the benchmark can start the real provider.</summary>
public partial class Program;
