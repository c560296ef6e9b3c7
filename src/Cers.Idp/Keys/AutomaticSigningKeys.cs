using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Cers.Idp.Keys;

/// <summary>
/// The signing keys of <see cref="KeyMode.Automatic"/> mode as this instance last read them from the database, refreshed
/// every <see cref="AutomaticKeyOptions.RefreshInterval"/> (<see cref="SigningKeyRotation"/>) and at once after an
/// operator's change made here. Which key signs is decided per token from the rows' times, so a waiting key takes over
/// at its activation time exactly. When the published set changes, OpenIddict's options are rebuilt (this is their change
/// token source): its JWKS, discovery and validation of the provider's own tokens all read
/// <see cref="OpenIddictServerOptions.SigningCredentials"/>, so they see the new set without a restart.
/// </summary>
public sealed class AutomaticSigningKeys(
    IServiceScopeFactory scopes,
    SigningKeyProtection protection,
    TimeProvider time) : ISigningKeys, IOptionsChangeTokenSource<OpenIddictServerOptions>, IDisposable
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Dictionary<string, SigningCredentials> _credentials = new(StringComparer.Ordinal);
    private volatile Snapshot? _snapshot;
    private CancellationTokenSource _changed = new();

    public IReadOnlyList<SigningCredentials> Published => Current.Published.Select(k => k.Credentials).ToList();

    public SigningCredentials TokenSigning => SignerOf(SecurityAlgorithms.RsaSha256);

    public SigningCredentials AccessTokenSigning => SignerOf(SecurityAlgorithms.EcdsaSha256);

    string IOptionsChangeTokenSource<OpenIddictServerOptions>.Name => Options.DefaultName;

    IChangeToken IOptionsChangeTokenSource<OpenIddictServerOptions>.GetChangeToken() => new CancellationChangeToken(_changed.Token);

    /// <summary>
    /// Makes any key that is due (under the database lock, see <see cref="SigningKeyStore"/>), reads the table, and
    /// publishes what it finds. Calls at one instance take turns.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<SigningKeyStore>();
            await store.MakeDueKeysAsync(cancellationToken);
            var keys = await store.ListAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;

            var published = new List<PublishedKey>();
            foreach (var family in keys.GroupBy(k => k.Algorithm))
            {
                var members = family.ToList();
                foreach (var key in members.Where(k => SigningKeySchedule.IsPublished(k, members, now, store.Retention)))
                {
                    if (!_credentials.TryGetValue(key.Id, out var credentials))
                    {
                        credentials = protection.ToCredentials(key);
                        _credentials[key.Id] = credentials;
                    }

                    published.Add(new PublishedKey(key, credentials));
                }
            }

            var previous = _snapshot;
            _snapshot = new Snapshot(published);
            foreach (var gone in _credentials.Keys.Except(published.Select(p => p.Key.Id)).ToList())
            {
                _credentials.Remove(gone);
            }

            if (previous is not null && !previous.Published.Select(p => p.Key.Id).Order().SequenceEqual(published.Select(p => p.Key.Id).Order()))
            {
                var changed = _changed;
                _changed = new CancellationTokenSource();
                await changed.CancelAsync();
                changed.Dispose();
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// The keys as last read. The provider reads them before its first request (<see cref="KeysExtensions.LoadSigningKeysAsync"/>);
    /// this waits for a first read only where something asks earlier.
    /// </summary>
    private Snapshot Current => _snapshot ?? LoadFirst();

    private Snapshot LoadFirst()
    {
        RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
        return _snapshot!;
    }

    private SigningCredentials SignerOf(string algorithm)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return Current.Published.Where(k => k.Key.Algorithm == algorithm && k.Key.ActivatesAt <= now)
                .MaxBy(k => k.Key.ActivatesAt)?.Credentials
            ?? throw new InvalidOperationException($"No {algorithm} signing key is active; the key table has not been read since keys were made.");
    }

    public void Dispose()
    {
        _changed.Dispose();
        _refreshing.Dispose();
    }

    private sealed record PublishedKey(SigningKey Key, SigningCredentials Credentials);

    private sealed record Snapshot(IReadOnlyList<PublishedKey> Published);
}
