using System.Net;
using Cers.Idp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cers.Idp.Tests.Infrastructure;

/// <summary>
/// A provider of one test's own: its own data folder, its own SMTP listener and, when asked, a clock
/// the test moves (<see cref="FakeTimeProvider"/>) so days can pass without waiting. Used where a test
/// changes something the shared <see cref="IdpFactory"/> must not see: the time, the SMTP server's
/// availability, a restart.
/// </summary>
public sealed class IsolatedIdp : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly Dictionary<string, string?> _settings;

    private IsolatedIdp(TempDirectory data, SmtpListener smtp, FakeTimeProvider? time, Dictionary<string, string?> settings)
    {
        _data = data;
        Smtp = smtp;
        Time = time;
        _settings = settings;
        Host = NewHost(settings);
    }

    public IdpHost Host { get; private set; }

    public SmtpListener Smtp { get; }

    /// <summary>The provider's clock, when the test controls it.</summary>
    public FakeTimeProvider? Time { get; }

    public FakeTimeProvider Clock => Time ?? throw new InvalidOperationException("This provider runs on the real clock.");

    public IServiceProvider Services => Host.Services;

    public static IsolatedIdp Start(bool fakeClock = false, params (string Key, string? Value)[] settings)
    {
        var data = new TempDirectory("cers-idp-isolated-");
        var smtp = new SmtpListener();
        var all = smtp.Settings().ToDictionary();
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        // A whole second: PostgreSQL keeps microseconds, so a time read back equals the clock's.
        var time = fakeClock ? new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())) : null;
        var idp = new IsolatedIdp(data, smtp, time, all);
        idp.Host.Start();
        return idp;
    }

    /// <summary>Stops the provider and starts a new one on the same data folder, with some settings changed.</summary>
    public void Restart(params (string Key, string? Value)[] changes)
    {
        Host.Dispose();
        foreach (var (key, value) in changes)
        {
            _settings[key] = value;
        }

        Host = NewHost(_settings);
        Host.Start();
    }

    /// <summary>Moves the clock on once every owed email has been delivered (see <see cref="OutboxDrain"/>).</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await OutboxDrain.WaitUntilDeliveredAsync<IdpDbContext>(Services);
        Clock.Advance(by);
    }

    public HttpClient CreateBrowser() => BrowserSignIn.NewBrowser(Host.BaseAddress);

    /// <summary>Runs a job the way Hangfire does: resolved in a scope of its own.</summary>
    public async Task<T> RunAsync<TJob, T>(Func<TJob, Task<T>> run)
        where TJob : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await run(scope.ServiceProvider.GetRequiredService<TJob>());
    }

    public async Task<T> QueryAsync<T>(Func<IdpDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<IdpDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Smtp.DisposeAsync();
        _data.Dispose();
    }

    private IdpHost NewHost(Dictionary<string, string?> settings) =>
        new(_data.Path, settings, kestrel: true, services: Time is null ? null : services => services.AddSingleton<TimeProvider>(Time));
}
