using Cers.Idp;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIdp();

var app = builder.Build();

app.UseIdp();

app.Run();

/// <summary>Entry point, public so the test host and the benchmark can start the real provider.</summary>
public partial class Program;
