using Microsoft.EntityFrameworkCore;

namespace Cers.Data;

/// <summary>
/// SQLite settings for one long batch job on <c>db</c>'s connection, kept open until disposed and then given back to
/// the pool with the settings it had (pooled connections keep their pragmas). Nothing to do on the server engines,
/// which size their own buffers and schedule their own writes.
/// <list type="bullet">
/// <item>A larger page cache: SQLite's default of 2 MB holds a small part of the indexes a job over a large table
/// touches, so each batch reads the same index pages from the file again and a batch's cost grows with the table.</item>
/// <item>Commits that do not wait for the disk (<c>synchronous = NORMAL</c>, safe with the write-ahead log): the file
/// stays consistent whatever happens, and a power cut or system crash may undo the last few batches, which a batch
/// job does again on its next run. The service's own writes keep waiting for the disk.</item>
/// <item>Checkpoints every <see cref="CheckpointPages"/> pages of log instead of 1,000: a batch dirties index pages all
/// over the file, and a rarer checkpoint writes a page changed by many batches back once. The batch that meets one
/// takes longer (half a second rather than tens of milliseconds, with the write lock held). At the end the log is
/// folded into the database as far as readers allow, without waiting for them; its file keeps the size it reached
/// (at most about the checkpoint interval) and is written over from the start.</item>
/// </list>
/// </summary>
public sealed class SqliteBatchMode : IAsyncDisposable
{
    /// <summary>256 MiB of log at SQLite's default page size of 4 KiB (a million expired accounts: 16,384 pages 57 s, this 52 s).</summary>
    private const int CheckpointPages = 65_536;

    private readonly DbContext? _db;
    private readonly long _cacheSize;
    private readonly long _synchronous;
    private readonly long _checkpointPages;

    private SqliteBatchMode(DbContext? db, long cacheSize = 0, long synchronous = 0, long checkpointPages = 0)
    {
        _db = db;
        _cacheSize = cacheSize;
        _synchronous = synchronous;
        _checkpointPages = checkpointPages;
    }

    public static async Task<SqliteBatchMode> EnterAsync(DbContext db, int cacheMebibytes, CancellationToken cancellationToken)
    {
        if (db.Database.Engine() != DatabaseProvider.Sqlite)
        {
            return new SqliteBatchMode(null);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var mode = new SqliteBatchMode(db,
                await ReadAsync(db, "PRAGMA cache_size;", cancellationToken),
                await ReadAsync(db, "PRAGMA synchronous;", cancellationToken),
                await ReadAsync(db, "PRAGMA wal_autocheckpoint;", cancellationToken));

            // A negative cache size is in KiB.
            await SetAsync(db, -(long)cacheMebibytes * 1024, CheckpointPages, synchronous: 1, cancellationToken);
            return mode;
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is null)
        {
            return;
        }

        try
        {
            await SetAsync(_db, _cacheSize, _checkpointPages, _synchronous, CancellationToken.None);

            // Folds what it can of the log into the database without waiting for anyone: a checkpoint that waited for
            // readers would hold the service's writers back meanwhile, on every run of a job that mostly finds nothing.
            await _db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);");
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> ReadAsync(DbContext db, string pragma, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = pragma;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task SetAsync(DbContext db, long cacheSize, long checkpointPages, long synchronous, CancellationToken cancellationToken)
    {
        // The values are numbers, not text, so they cannot carry anything else.
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync(
            $"PRAGMA cache_size = {cacheSize}; PRAGMA wal_autocheckpoint = {checkpointPages}; PRAGMA synchronous = {synchronous};",
            cancellationToken);
#pragma warning restore EF1002
    }
}
