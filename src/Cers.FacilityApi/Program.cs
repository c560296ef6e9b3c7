using Cers.FacilityApi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFacilityApi();

var app = builder.Build();

app.UseFacilityApi();

app.Run();

/// <summary>Entry point, public so the test host can start the real API.</summary>
public partial class Program;
