namespace Cers.Testing;

/// <summary>A temporary folder, removed on dispose with the test databases that belong to it (<see cref="TestDatabase"/>).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "cers-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestDatabase.DropUnder(Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the folder is under the temp directory.
        }
    }
}
