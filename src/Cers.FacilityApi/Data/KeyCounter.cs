using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Data;

/// <summary>
/// The next value of a public identifier (CERS ID, organization code). Identifiers are reserved
/// from here, never computed as MAX + 1 of the live rows, so a deleted facility's CERS ID is never
/// given to another.
/// </summary>
public sealed class KeyCounter
{
    public const string CersId = "CersId";
    public const string OrganizationCode = "OrganizationCode";

    /// <summary>CERS IDs have 8-9 digits and start here.</summary>
    public const long FirstCersId = 10_000_001;

    /// <summary>Organization codes have 8 digits and start here.</summary>
    public const long FirstOrganizationCode = 10_000_001;

    public required string Name { get; set; }

    public long NextValue { get; set; }
}

public static class KeyCounterExtensions
{
    /// <summary>
    /// Reserves <paramref name="count"/> consecutive values of counter <paramref name="name"/> and
    /// returns the first. Must run inside the caller's transaction: the increment locks the counter's
    /// row (SQL Server) or the database (SQLite) until commit, so two writers never get the same range,
    /// and a rolled-back reservation is simply not used.
    /// </summary>
    public static async Task<long> ReserveAsync(this FacilityDbContext db, string name, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Identifiers are reserved inside the transaction that uses them.");
        }

        var updated = await db.KeyCounters.Where(c => c.Name == name)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.NextValue, c => c.NextValue + count), cancellationToken);
        if (updated != 1)
        {
            throw new InvalidOperationException($"The key counter '{name}' does not exist; the migrations create it.");
        }

        var next = await db.KeyCounters.Where(c => c.Name == name).Select(c => c.NextValue).SingleAsync(cancellationToken);
        return next - count;
    }
}
