using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cers.FacilityApi.Data;

/// <summary>
/// One SQL statement prepared once on the context's connection and transaction, then executed
/// again with new values: how a bulk load writes a million rows without EF Core tracking a million
/// entities. Table and column names come from the EF model, quoted by the engine's own rules, so the
/// statement follows the model and works on every provider. A statement may carry many rows (see
/// <see cref="BatchedInsert"/>): on a server engine each execution is a round trip, so a row each
/// would make the load as slow as the network rather than the database.
/// </summary>
public sealed class PreparedCommand : IAsyncDisposable
{
    private readonly DbCommand _command;
    private readonly DbParameter[] _parameters;

    private PreparedCommand(DbCommand command, DbParameter[] parameters)
    {
        _command = command;
        _parameters = parameters;
    }

    /// <summary>
    /// <c>INSERT INTO table (columns) VALUES (parameters), ...</c> for the named properties of <typeparamref name="TEntity"/>,
    /// <paramref name="rows"/> rows at a time; its values are the rows' one after the other.
    /// </summary>
    public static PreparedCommand Insert<TEntity>(FacilityDbContext db, int rows, params string[] propertyNames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        var (table, sql, properties) = Describe<TEntity>(db, propertyNames);
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var values = string.Join(", ", Enumerable.Range(0, rows)
            .Select(row => "(" + string.Join(", ", properties.Select((_, i) => ParameterName(row * properties.Length + i))) + ")"));
        return Prepare(db, $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES {values}",
            [.. Enumerable.Repeat(properties, rows).SelectMany(row => row)]);
    }

    /// <summary>
    /// <c>SELECT key, result FROM table WHERE key IN (parameters)</c> for <paramref name="keys"/> keys: reads back the keys
    /// the database generated for rows just written.
    /// </summary>
    public static PreparedCommand SelectWhereIn<TEntity>(FacilityDbContext db, string resultProperty, string keyProperty, int keys)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keys);
        var (table, sql, properties) = Describe<TEntity>(db, [resultProperty, keyProperty]);
        var key = sql.DelimitIdentifier(properties[1].GetColumnName(table)!);
        return Prepare(db,
            $"SELECT {key}, {sql.DelimitIdentifier(properties[0].GetColumnName(table)!)} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} " +
            $"WHERE {key} IN ({string.Join(", ", Enumerable.Range(0, keys).Select(ParameterName))})",
            [.. Enumerable.Repeat(properties[1], keys)]);
    }

    public Task<int> ExecuteAsync(CancellationToken cancellationToken, params object?[] values)
    {
        Bind(values);
        return _command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The rows the statement reads, as (first column, second column) pairs.</summary>
    public async Task<List<(TKey Key, TResult Result)>> ReadPairsAsync<TKey, TResult>(CancellationToken cancellationToken,
        params object?[] values)
    {
        Bind(values);
        var pairs = new List<(TKey, TResult)>(values.Length);
        await using var reader = await _command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pairs.Add((reader.GetFieldValue<TKey>(0), reader.GetFieldValue<TResult>(1)));
        }

        return pairs;
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();

    private void Bind(object?[] values)
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private static (StoreObjectIdentifier Table, ISqlGenerationHelper Sql, IProperty[] Properties) Describe<TEntity>(
        FacilityDbContext db, string[] propertyNames)
    {
        var entity = db.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = propertyNames.Select(name => entity.FindProperty(name)
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} has no property {name}.")).ToArray();
        return (table, db.GetService<ISqlGenerationHelper>(), properties);
    }

    private static PreparedCommand Prepare(FacilityDbContext db, string text, IProperty[] properties)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A prepared bulk command runs inside the caller's transaction.");
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        var parameters = new DbParameter[properties.Length];
        for (var i = 0; i < properties.Length; i++)
        {
            // The model's own mapping makes the parameter, with the engine's type for the column: a fixed-length code sent
            // to PostgreSQL as text would be compared as text, and its index on the character(n) column left unused.
            var mapping = properties[i].GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, ParameterName(i), value: null);

            // SQL Server prepares a statement only when every variable-length parameter has a size.
            parameter.Size = properties[i].GetMaxLength() ?? (mapping.DbType is DbType.String or DbType.AnsiString ? -1 : 0);
            command.Parameters.Add(parameter);
            parameters[i] = parameter;
        }

        command.Prepare();
        return new PreparedCommand(command, parameters);
    }

    private static string ParameterName(int index) => "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
