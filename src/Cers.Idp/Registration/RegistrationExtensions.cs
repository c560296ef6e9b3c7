using Cers.Idp.Accounts;

namespace Cers.Idp.Registration;

public static class RegistrationExtensions
{
    public static IHostApplicationBuilder AddRegistration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AccountRegistration>();
        NistPasswordValidator.Warm();
        return builder;
    }
}
