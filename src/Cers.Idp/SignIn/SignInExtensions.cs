namespace Cers.Idp.SignIn;

public static class SignInExtensions
{
    public static IHostApplicationBuilder AddSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorPages();
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "cers.idp.antiforgery";
            antiforgery.Cookie.SecurePolicy = builder.Environment.IsDevelopment()
                ? CookieSecurePolicy.SameAsRequest
                : CookieSecurePolicy.Always;
        });
        builder.Services.AddOptions<SignInOptions>()
            .BindConfiguration(SignInOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<BusinessPortalOptions>()
            .BindConfiguration(BusinessPortalOptions.SectionName)
            .Validate(o => o.IsValid, "BusinessPortal:Url must be an absolute http or https URL (or empty).")
            .ValidateOnStart();
        builder.Services.AddSingleton<BusinessPortalLink>();
        builder.Services.AddScoped<PasswordSignIn>();
        builder.Services.AddScoped<ProtectionPhrases>();
        builder.Services.AddScoped<AccountRecovery>();
        builder.Services.AddSingleton<RecoveryRequests>();
        builder.Services.AddScoped<RecoveryRequestJob>();
        builder.Services.AddRequestRateLimits();
        builder.Services.AddSingleton<PasswordHashingGate>();
        return builder;
    }
}
