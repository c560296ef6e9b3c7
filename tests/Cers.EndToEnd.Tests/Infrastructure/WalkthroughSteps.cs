using System.Diagnostics;
using System.Globalization;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Cers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Each page a scenario reaches, recorded: a full-page screenshot at
/// <c>&lt;screenshots&gt;/&lt;scenario&gt;/&lt;NN-step&gt;.png</c>, and an axe-core scan that fails the test on
/// any serious or critical violation (WCAG 2.1 AA and axe's best practices), naming the rules and elements.
/// </summary>
public sealed class WalkthroughSteps(string scenario, ITestOutputHelper output)
{
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    private readonly string _folder = ScreenshotDirectory.For(scenario);
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private int _step;

    public async Task RecordAsync(IPage page, string step)
    {
        var reached = _since.Elapsed;
        var file = Path.Combine(_folder, $"{++_step:D2}-{step}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        var result = await page.RunAxe();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step {_step:D2} {step} (+{reached.TotalSeconds:F1}s): {page.Url}; axe-core: {result.Passes.Length} rules pass, {result.Violations.Length} violated; screenshot {file}"));
        foreach (var minor in result.Violations.Where(v => !Blocking.Contains(v.Impact ?? "")))
        {
            output.WriteLine($"  axe ({minor.Impact}) {minor.Id}: {minor.Help}");
        }

        var blocking = result.Violations.Where(v => Blocking.Contains(v.Impact ?? "")).ToList();
        if (blocking.Count > 0)
        {
            throw new XunitException($"axe-core: serious or critical violations on step {step} ({page.Url}):{Environment.NewLine}{Describe(blocking)}");
        }

        _since.Restart();
    }

    private static string Describe(IEnumerable<AxeResultItem> violations) => string.Join(Environment.NewLine, violations.Select(v =>
        $"  {v.Impact} {v.Id}: {v.Help} ({v.HelpUrl}) at {string.Join("; ", v.Nodes.Select(n => n.Html))}"));
}
