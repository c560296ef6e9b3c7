using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Data;

/// <summary>
/// Rows of one table written <see cref="RowsPerStatement"/> to an INSERT (see <see cref="PreparedCommand"/>): rows are
/// buffered as they are added and written when a statement's worth is there; <see cref="FlushAsync"/> writes the rest.
/// </summary>
public sealed class BatchedInsert : IAsyncDisposable
{
    private readonly Func<int, PreparedCommand> _prepare;
    private readonly int _columns;
    private readonly List<object?> _buffer;
    private PreparedCommand? _full;

    private BatchedInsert(Func<int, PreparedCommand> prepare, int columns, int rowsPerStatement)
    {
        _prepare = prepare;
        _columns = columns;
        RowsPerStatement = rowsPerStatement;
        _buffer = new List<object?>(rowsPerStatement * columns);
    }

    /// <summary>Rows one statement carries on <paramref name="db"/>'s engine (see <see cref="RowsPerStatementOn"/>).</summary>
    public int RowsPerStatement { get; }

    /// <summary>
    /// A hundred on a server engine, where each statement is a round trip (a hundred rows of fifteen columns stay under
    /// SQL Server's 2,100 parameters); a million facilities load in about 80 s on PostgreSQL here. One on SQLite, which
    /// runs in the process, so there is no trip to save, and whose driver finds each parameter by name: a hundred-row
    /// statement made the same load take 80 s instead of 25.
    /// </summary>
    public static int RowsPerStatementOn(FacilityDbContext db) => db.Database.Engine() == DatabaseProvider.Sqlite ? 1 : 100;

    public static BatchedInsert Into<TEntity>(FacilityDbContext db, params string[] propertyNames) =>
        new(rows => PreparedCommand.Insert<TEntity>(db, rows, propertyNames), propertyNames.Length, RowsPerStatementOn(db));

    /// <summary>Adds one row, its values in the order of the properties; writes the buffered rows when a statement is full.</summary>
    public async Task AddAsync(CancellationToken cancellationToken, params object?[] values)
    {
        if (values.Length != _columns)
        {
            throw new ArgumentException($"A row has {_columns} values, not {values.Length}.", nameof(values));
        }

        _buffer.AddRange(values);
        if (_buffer.Count == RowsPerStatement * _columns)
        {
            _full ??= _prepare(RowsPerStatement);
            await _full.ExecuteAsync(cancellationToken, [.. _buffer]);
            _buffer.Clear();
        }
    }

    /// <summary>Writes the rows still buffered, in one statement of their own size.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        await using var rest = _prepare(_buffer.Count / _columns);
        await rest.ExecuteAsync(cancellationToken, [.. _buffer]);
        _buffer.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (_full is not null)
        {
            await _full.DisposeAsync();
        }
    }
}
