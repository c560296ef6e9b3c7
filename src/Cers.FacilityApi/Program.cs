using Cers.FacilityApi;
using Cers.FacilityApi.SampleData;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFacilityApi();

var app = builder.Build();

// `seed --facilities N` writes sample data on the same configuration and database, then exits.
if (await app.RunCommandAsync(args) is { } exitCode)
{
    return exitCode;
}

await app.UseFacilityApiAsync();

await app.RunAsync();
return 0;

/// <summary>Entry point, public so the test host and the benchmark can start the real API.</summary>
public partial class Program;
