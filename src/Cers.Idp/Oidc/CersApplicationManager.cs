using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Cers.Idp.Oidc;

/// <summary>
/// OpenIddict's application manager with two deliberate changes on the token path, each of which
/// removed a cost that bounded client_credentials issuance.
/// <para>
/// <b>Client secrets are stored as a SHA-256 digest</b> instead of OpenIddict's default PBKDF2
/// (10,000 iterations on every token request). Key stretching exists to slow offline guessing of
/// low-entropy, human-chosen passwords. CERS client secrets are machine-generated and at least 32
/// characters (enforced by <see cref="OidcOptionsValidator"/>), i.e. far beyond brute force; a
/// preimage of their SHA-256 digest is infeasible with or without stretching. Comparison is
/// constant-time. Digests in OpenIddict's PBKDF2 format, written by older builds, still validate.
/// </para>
/// <para>
/// <b>Clients are looked up once per process per <see cref="LookupLifetime"/></b>, not once per
/// request: OpenIddict's own entity cache lives only as long as the request's scope, so every token
/// request queried the database for the same few rows. Clients change only when configuration
/// changes and the service restarts (see <see cref="ClientSeeder"/>), and updates or deletions made
/// through this manager evict the entry before and after saving; another instance sees a change
/// within the lifetime.
/// </para>
/// </summary>
public sealed class CersApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    IMemoryCache processCache,
    Data.IdpDbContext db)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store)
    where TApplication : class
{
    public static readonly TimeSpan LookupLifetime = TimeSpan.FromSeconds(30);

    private const string Prefix = "sha256:";

    public override async ValueTask<TApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        var key = CacheKey(identifier);
        if (processCache.TryGetValue(key, out TApplication? known) && known is not null)
        {
            return known;
        }

        var application = await base.FindByClientIdAsync(identifier, cancellationToken);
        if (application is not null)
        {
            // Other requests get a detached copy of the row's values, never this request's tracked
            // entity: EF would fill a tracked entity's navigation collections with this request's token
            // rows, and an Attach of it elsewhere would write them back.
            processCache.Set(key, (TApplication)db.Entry(application).CurrentValues.ToObject(), LookupLifetime);
        }

        return application;
    }

    public override async ValueTask UpdateAsync(TApplication application, CancellationToken cancellationToken = default)
    {
        var tracked = await TrackedAsync(application, copyValues: true, cancellationToken);
        await Evict(tracked, cancellationToken);
        await base.UpdateAsync(tracked, cancellationToken);

        // Evicted again once saved, so a lookup racing the update cannot keep the old values cached.
        await Evict(tracked, cancellationToken);
    }

    public override async ValueTask UpdateAsync(TApplication application, OpenIddictApplicationDescriptor descriptor,
        CancellationToken cancellationToken = default)
    {
        // The descriptor is applied to this request's own tracked row, not to a cached copy.
        var tracked = await TrackedAsync(application, copyValues: false, cancellationToken);
        await base.UpdateAsync(tracked, descriptor, cancellationToken);
    }

    public override async ValueTask DeleteAsync(TApplication application, CancellationToken cancellationToken = default)
    {
        var tracked = await TrackedAsync(application, copyValues: false, cancellationToken);
        await Evict(tracked, cancellationToken);
        await base.DeleteAsync(tracked, cancellationToken);
        await Evict(tracked, cancellationToken);
    }

    /// <summary>
    /// A cached copy is not tracked by this request's context, and OpenIddict's own checks load the row
    /// into it before saving; writing goes through that tracked row instead, so the two never collide.
    /// </summary>
    private async ValueTask<TApplication> TrackedAsync(TApplication application, bool copyValues, CancellationToken cancellationToken)
    {
        if (db.Entry(application).State != Microsoft.EntityFrameworkCore.EntityState.Detached
            || await GetIdAsync(application, cancellationToken) is not { } id
            || await Store.FindByIdAsync(id, cancellationToken) is not { } tracked)
        {
            return application;
        }

        if (copyValues)
        {
            db.Entry(tracked).CurrentValues.SetValues(application);
        }

        return tracked;
    }

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Prefix + Convert.ToBase64String(Digest(secret)));

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (!comparand.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        }

        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(comparand[Prefix.Length..], expected, out var written) || written != expected.Length)
        {
            return ValueTask.FromResult(false);
        }

        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(Digest(secret), expected));
    }

    private async ValueTask Evict(TApplication application, CancellationToken cancellationToken)
    {
        if (await GetClientIdAsync(application, cancellationToken) is { } clientId)
        {
            processCache.Remove(CacheKey(clientId));
        }
    }

    private static (Type, string) CacheKey(string clientId) => (typeof(CersApplicationManager<TApplication>), clientId);

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
