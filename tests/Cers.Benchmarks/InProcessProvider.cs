extern alias idp;

using System.Net;
using System.Net.Sockets;
using Cers.Data;
using Cers.Testing;
using idp::Cers.Idp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Benchmarks;

/// <summary>
/// The real provider (its own Program, configuration and pipeline) on Kestrel on a loopback port, in
/// Development, with a fresh database (<see cref="BenchmarkDatabase"/>) and generated certificates in a
/// temp folder, both deleted on dispose, so a benchmark run never touches the developer's data.
/// </summary>
internal sealed class InProcessProvider : IdpHost
{
    private readonly BenchmarkDatabase _database;

    /// <param name="settings">Configuration on top of the test host's (for example <c>Jobs:RunServer</c>), or none.</param>
    /// <param name="engine">The database engine it runs on.</param>
    public InProcessProvider(IReadOnlyDictionary<string, string?>? settings = null, DatabaseProvider engine = DatabaseProvider.Sqlite)
        : this(BenchmarkDatabase.Create(engine), settings)
    {
    }

    private InProcessProvider(BenchmarkDatabase database, IReadOnlyDictionary<string, string?>? settings)
        : base(Directory.CreateTempSubdirectory("cers-idp-bench-").FullName,
            database.With(idp::Cers.Idp.Data.DatabaseExtensions.Names, settings), kestrel: true)
    {
        _database = database;
        try
        {
            Start();

            // The load generator must never leave the machine.
            if (!BaseAddress.IsLoopback)
            {
                throw new InvalidOperationException($"The provider listens on {BaseAddress}, which is not a loopback address.");
            }
        }
        catch
        {
            // Nobody will dispose a factory whose constructor failed: stop what started and remove the folder.
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates active accounts directly through Identity (so with the app's password hasher settings),
    /// one per name, all with the same password.
    /// </summary>
    public async Task CreateUsersAsync(IReadOnlyList<string> userNames, string password, CancellationToken cancellationToken)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        foreach (var name in userNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var created = await users.CreateAsync(new CersUser
            {
                UserName = name,
                Email = $"{name}@example.com",
                EmailConfirmed = true,
                FirstName = "Benchmark",
                LastName = "User",
                ProtectionPhrase = "benchmark phrase",
                ActivatedAt = DateTime.UtcNow,
            }, password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException(
                    $"Cannot create benchmark user {name}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            }
        }
    }

    /// <summary>The stored password hash of an account, exactly as a sign-in verifies it.</summary>
    public async Task<string> GetPasswordHashAsync(string userName)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        var user = await users.FindByNameAsync(userName)
            ?? throw new InvalidOperationException($"Benchmark user {userName} does not exist.");
        return user.PasswordHash ?? throw new InvalidOperationException($"Benchmark user {userName} has no password.");
    }

    /// <summary>
    /// A loopback port nothing listens on (taken from the system and released at once), so a service
    /// pointed at it is refused straight away instead of waiting for a timeout.
    /// </summary>
    public static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// One client for every worker: no redirects followed (a sign-in answers 302), no shared cookie jar
    /// (the sign-in scenario keeps a fresh jar per iteration), no proxy.
    /// </summary>
    public HttpClient CreateLoadClient() => CreateLoadClient(BaseAddress);

    /// <inheritdoc cref="CreateLoadClient()"/>
    public static HttpClient CreateLoadClient(Uri baseAddress) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            DeleteDirectory(DataDirectory);
            _database.Dispose();
        }
    }

    /// <summary>Deletes a benchmark's temp folder, waiting a moment for SQLite to let go of its files.</summary>
    public static void DeleteDirectory(string directory)
    {
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                // SQLite may still hold its file for a moment after the pools are cleared.
                Thread.Sleep(200 * attempt);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"Could not delete {directory}: {e.Message}");
                return;
            }
        }
    }
}
