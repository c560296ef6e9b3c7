using Cers.Data;
using Cers.Idp.Audit;
using Cers.Idp.Data;
using Cers.Idp.Oidc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.Idp.Keys;

/// <summary>Who asked for a key change, for the audit log: an admin's account, or the command line.</summary>
public sealed record KeyChangeActor(string? SubjectId, string UserName);

/// <summary>
/// The key table's changes, each in one transaction under one database lock (<see cref="LockName"/>): every instance
/// notices at about the same moment that a key is due, and whichever takes the lock first makes it; the others, once
/// they hold the lock, read it and make nothing. Operators' rotations and retirements take the same lock.
/// <para>
/// Keys are generated and encrypted before the transaction begins: encrypting may make Data Protection write a key of
/// its own to this database, which on SQLite would wait for the write lock this transaction holds.
/// </para>
/// </summary>
public sealed partial class SigningKeyStore(
    IdpDbContext db,
    SigningKeyProtection protection,
    AuditLog audit,
    IOptions<KeyOptions> keyOptions,
    IOptions<OidcOptions> oidcOptions,
    TimeProvider time,
    ILogger<SigningKeyStore> logger)
{
    public const string LockName = "signing-keys";

    private AutomaticKeyOptions Options => keyOptions.Value.Automatic;

    /// <summary>How long a key stays published after it stopped signing.</summary>
    public TimeSpan Retention => KeyOptionsValidator.Retention(Options, oidcOptions.Value);

    public Task<List<SigningKey>> ListAsync(CancellationToken cancellationToken) =>
        db.Set<SigningKey>().AsNoTracking().OrderBy(k => k.Algorithm).ThenBy(k => k.ActivatesAt).ToListAsync(cancellationToken);

    /// <summary>Makes the keys the schedule calls for now (<see cref="SigningKeySchedule.NextActivation"/>); returns how many.</summary>
    public async Task<int> MakeDueKeysAsync(CancellationToken cancellationToken)
    {
        // Most rounds find nothing due and take no lock.
        var seen = await ListAsync(cancellationToken);
        var due = SigningKeySchedule.Algorithms
            .Where(a => SigningKeySchedule.NextActivation(seen.Where(k => k.Algorithm == a).ToList(), Now, Options) is not null)
            .ToList();
        if (due.Count == 0)
        {
            return 0;
        }

        var prepared = due.ToDictionary(a => a, protection.Create);
        return await db.InTransactionAsync(async ct =>
        {
            await db.LockAsync(LockName, ct);
            var now = Now;
            var keys = await db.Set<SigningKey>().ToListAsync(ct);
            var made = 0;
            foreach (var algorithm in due)
            {
                // Another instance may have made it while this one waited for the lock.
                if (SigningKeySchedule.NextActivation(keys.Where(k => k.Algorithm == algorithm).ToList(), now, Options) is { } activatesAt)
                {
                    Add(prepared[algorithm], now, activatesAt, actor: null, why: "scheduled");
                    made++;
                }
            }

            await db.SaveChangesAsync(ct);
            return made;
        }, cancellationToken);
    }

    /// <summary>
    /// An early rotation, e.g. after a suspected leak: a new key of each algorithm that signs at once. The keys signing
    /// until now stop, but stay published for the retention time so the tokens they signed still validate; retire them
    /// (<see cref="RetireAsync"/>) to drop those tokens too.
    /// </summary>
    public Task<IReadOnlyList<SigningKey>> RotateNowAsync(KeyChangeActor actor, CancellationToken cancellationToken)
    {
        var prepared = SigningKeySchedule.Algorithms.Select(protection.Create).ToList();
        return db.InTransactionAsync<IReadOnlyList<SigningKey>>(async ct =>
        {
            await db.LockAsync(LockName, ct);
            var now = Now;
            var made = prepared.Select(key => Add(key, now, now, actor, "rotated early")).ToList();
            await db.SaveChangesAsync(ct);
            return made;
        }, cancellationToken);
    }

    /// <summary>
    /// Retires a key at once: it leaves the JWKS and signs nothing more, so every token it signed stops validating. When it
    /// was signing, a new key of its algorithm signs from now on. False when there is no such key or it is retired already.
    /// </summary>
    public async Task<bool> RetireAsync(string keyId, KeyChangeActor actor, CancellationToken cancellationToken)
    {
        var algorithm = await db.Set<SigningKey>().AsNoTracking().Where(k => k.Id == keyId).Select(k => k.Algorithm).SingleOrDefaultAsync(cancellationToken);
        if (algorithm is null)
        {
            return false;
        }

        var replacement = protection.Create(algorithm);
        return await db.InTransactionAsync(async ct =>
        {
            await db.LockAsync(LockName, ct);
            var now = Now;
            var key = await db.Set<SigningKey>().SingleOrDefaultAsync(k => k.Id == keyId, ct);
            if (key is null || key.RetiredAt is not null)
            {
                return false;
            }

            var family = await db.Set<SigningKey>().Where(k => k.Algorithm == key.Algorithm).ToListAsync(ct);
            var wasSigning = ReferenceEquals(SigningKeySchedule.Signer(family, now), key);
            key.RetiredAt = now;
            audit.Add(AuditKinds.SigningKeyRetired, actor.SubjectId, actor.UserName, $"{key.Algorithm} key {key.Id}, by {actor.UserName}");
            if (wasSigning)
            {
                Add(replacement, now, now, actor, $"replacing retired key {key.Id}");
            }

            await db.SaveChangesAsync(ct);
            LogRetired(key.Algorithm, key.Id, actor.UserName);
            return true;
        }, cancellationToken);
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private SigningKey Add(SigningKey key, DateTime now, DateTime activatesAt, KeyChangeActor? actor, string why)
    {
        var algorithm = key.Algorithm;
        key.CreatedAt = now;
        key.ActivatesAt = activatesAt;
        db.Add(key);
        var by = actor is null ? "" : $", by {actor.UserName}";
        audit.Add(AuditKinds.SigningKeyCreated, actor?.SubjectId, actor?.UserName,
            $"{algorithm} key {key.Id}, {why}, signs from {activatesAt:u}{by}");
        LogCreated(algorithm, key.Id, activatesAt, why);
        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key {KeyId} ({Algorithm}) made, {Why}; it signs from {ActivatesAt:u}")]
    private partial void LogCreated(string algorithm, string keyId, DateTime activatesAt, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key {KeyId} ({Algorithm}) retired by {Actor}")]
    private partial void LogRetired(string algorithm, string keyId, string actor);
}
