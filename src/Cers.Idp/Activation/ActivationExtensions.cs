namespace Cers.Idp.Activation;

public static class ActivationExtensions
{
    public static IHostApplicationBuilder AddActivation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ActivationOptions>()
            .BindConfiguration(ActivationOptions.SectionName)
            .PostConfigure(o =>
            {
                if (o.ReminderOffsets.Count == 0)
                {
                    o.ReminderOffsets = [.. ActivationOptions.DefaultReminderOffsets];
                }
            })
            .ValidateDataAnnotations()
            .Validate(o => o.ReminderOffsets.All(offset => offset != TimeSpan.Zero && offset.Duration() < o.Window),
                "Activation:ReminderOffsets must be non-zero and fall inside Activation:Window.")
            .ValidateOnStart();
        builder.Services.AddScoped<AccountActivation>();
        builder.Services.AddSingleton<AccountEmails>();
        return builder;
    }
}
