using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cers.Testing;

/// <summary>
/// One instance of a service as its own process: the built assembly run with <c>dotnet</c>, configured through
/// environment variables as a deployment configures it, listening on a loopback port. Its output is kept for the
/// failure message. <see cref="Kill"/> is SIGKILL: no shutdown, no flush, nothing finished. One still running when this
/// process exits (a test run or benchmark stopped early) is killed with it, so no service is left holding a port.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private static readonly ConcurrentDictionary<ServiceProcess, byte> Running = new();

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string name, Process process, Uri address)
    {
        Name = name;
        _process = process;
        Address = address;
    }

    static ServiceProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var service in Running.Keys)
        {
            service.Dispose();
        }
    };

    public string Name { get; }

    public Uri Address { get; }

    /// <summary>The operating system's id of the process, e.g. to read its memory from /proc.</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _output.TakeLast(60));

    /// <summary>
    /// Starts <paramref name="project"/> (e.g. Cers.Idp) with <paramref name="settings"/> and waits until it answers <c>/alive</c>;
    /// on <paramref name="port"/> when the caller had to name its address beforehand (a redirect URI), else on a free one.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string name, string project, IReadOnlyDictionary<string, string?> settings, int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? Loopback.FreePort()}/");
        var service = new ServiceProcess(name, Launch(project, settings, ["--urls", address.ToString().TrimEnd('/')]), address);
        Running.TryAdd(service, 0);
        service.Capture();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var waited = 0; waited < 600; waited++)
        {
            if (service._process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited at start ({service._process.ExitCode}):\n{service.Output}");
            }

            try
            {
                using var alive = await http.GetAsync(new Uri(address, "alive"));
                if (alive.IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Still starting.
            }

            await Task.Delay(100);
        }

        service.Dispose();
        throw new TimeoutException($"{name} did not answer /alive within a minute:\n{service.Output}");
    }

    /// <summary>Runs a command of <paramref name="project"/> (e.g. <c>migrate</c>) to its end; its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string project, IReadOnlyDictionary<string, string?> settings, params string[] command)
    {
        using var process = Launch(project, settings, command);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL, as when a machine or container dies: the process gets no chance to finish anything.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!Running.TryRemove(this, out _))
        {
            return;
        }

        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private static Process Launch(string project, IReadOnlyDictionary<string, string?> settings, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            // The project folder is the content root, as with `dotnet run`: its appsettings and wwwroot.
            WorkingDirectory = Repository.ProjectDirectory(project),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Repository.AssemblyOf(project));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"dotnet could not start {project}.");
    }

    private void Capture()
    {
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue($"[{Name}] {line}");
        while (_output.Count > 400)
        {
            _output.TryDequeue(out _);
        }
    }
}

/// <summary>Where the repository and the services' built assemblies are, from this test assembly's own place.</summary>
public static class Repository
{
    private static readonly string Root = FindRoot();

    /// <summary>Debug or Release, whichever this test assembly was built as.</summary>
    private static readonly string Configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static string ProjectDirectory(string project) => Path.Combine(Root, "src", project);

    public static string AssemblyOf(string project)
    {
        var assembly = Path.Combine(ProjectDirectory(project), "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(assembly) ? assembly : throw new FileNotFoundException($"{project} is not built ({assembly}); dotnet build first.");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Cers.sln not found above " + AppContext.BaseDirectory);
    }
}
