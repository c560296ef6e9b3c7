using Cers.FacilityApi.Data;
using Cers.FacilityApi.SampleData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cers.FacilityApi.Tests.SampleData;

/// <summary>A fresh, migrated SQLite database of its own, for tests of the seeder that must start empty.</summary>
public sealed class SampleDatabase : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("cers-facility-seed-");

    private SampleDatabase() => Db = new SqliteFacilityDbContext(new DbContextOptionsBuilder<SqliteFacilityDbContext>()
        .UseSqlite($"Data Source={Path.Combine(_directory.Path, DatabaseExtensions.Names.SqliteFileName)}")
        .Options);

    public FacilityDbContext Db { get; }

    public SampleDataSeeder Seeder => new(Db, NullLogger<SampleDataSeeder>.Instance);

    public static async Task<SampleDatabase> CreateAsync()
    {
        var database = new SampleDatabase();
        await database.Db.MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>The agencies, then <paramref name="facilities"/> facilities from <paramref name="seed"/>.</summary>
    public static async Task<SampleDatabase> SeededAsync(int facilities, int seed)
    {
        var database = await CreateAsync();
        await database.Seeder.SeedAgenciesAsync(CancellationToken.None);
        await database.Seeder.SeedFacilitiesAsync(facilities, seed, CancellationToken.None);
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        _directory.Dispose();
    }
}
