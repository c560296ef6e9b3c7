using Cers.BusinessPortal;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBusinessPortal();

var app = builder.Build();

app.UseBusinessPortal();

await app.RunAsync();

/// <summary>Entry point, public so the test host can start the real portal.</summary>
public partial class Program;
