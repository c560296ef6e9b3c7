using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cers.FacilityApi.Data;

/// <summary>
/// One SQL statement prepared once on the context's connection and transaction, then executed
/// per row: how a bulk load writes a million rows without EF Core tracking a million entities.
/// Table and column names come from the EF model, quoted by the engine's own rules, so the
/// statement follows the model and works on every provider.
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

    /// <summary><c>INSERT INTO table (columns) VALUES (parameters)</c> for the named properties of <typeparamref name="TEntity"/>.</summary>
    public static PreparedCommand Insert<TEntity>(FacilityDbContext db, params string[] propertyNames)
    {
        var (table, sql, properties) = Describe<TEntity>(db, propertyNames);
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var values = string.Join(", ", properties.Select((_, i) => ParameterName(i)));
        return Prepare(db, $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES ({values})", properties);
    }

    /// <summary><c>SELECT result FROM table WHERE key = parameter</c>: reads back a key the database generated.</summary>
    public static PreparedCommand SelectWhere<TEntity>(FacilityDbContext db, string resultProperty, string keyProperty)
    {
        var (table, sql, properties) = Describe<TEntity>(db, [resultProperty, keyProperty]);
        return Prepare(db,
            $"SELECT {sql.DelimitIdentifier(properties[0].GetColumnName(table)!)} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} " +
            $"WHERE {sql.DelimitIdentifier(properties[1].GetColumnName(table)!)} = {ParameterName(0)}",
            [properties[1]]);
    }

    public Task<int> ExecuteAsync(CancellationToken cancellationToken, params object?[] values)
    {
        Bind(values);
        return _command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<object?> ScalarAsync(CancellationToken cancellationToken, params object?[] values)
    {
        Bind(values);
        return _command.ExecuteScalarAsync(cancellationToken);
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
            var mapping = properties[i].GetRelationalTypeMapping();
            var parameter = command.CreateParameter();
            parameter.ParameterName = ParameterName(i);
            parameter.DbType = mapping.DbType ?? DbType.String;

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
