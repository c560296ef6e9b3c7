namespace Cers.Idp.Mfa;

public static class MfaExtensions
{
    /// <summary>
    /// The second factor: the authenticator code provider and the hashing user store are wired into Identity in
    /// <see cref="Accounts.AccountsExtensions"/>; this adds the policy and the services the pages call.
    /// </summary>
    public static IHostApplicationBuilder AddMfa(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MfaOptions>()
            .BindConfiguration(MfaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<SecondFactors>();
        builder.Services.AddScoped<SecondFactorSignIn>();
        builder.Services.AddScoped<AuthenticatorEnrolment>();
        builder.Services.AddScoped<SignInFactorRemoval>();
        builder.Services.AddSingleton<SignInProtectionEmails>();
        return builder;
    }
}
