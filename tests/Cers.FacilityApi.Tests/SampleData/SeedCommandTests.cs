using Cers.FacilityApi.Data;
using Cers.FacilityApi.SampleData;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cers.FacilityApi.Tests.SampleData;

[Collection(FacilityApiCollection.Name)]
public sealed class SeedCommandTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task The_seed_command_adds_the_facilities_it_is_asked_for_on_the_APIs_own_configuration()
    {
        using var data = new TempDirectory("cers-facility-seed-command-");
        using var api = new FacilityApiHost(fixture.Idp.BaseAddress, data.Path);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await api.Services.RunCommandAsync(api.Services.GetRequiredService<IHostEnvironment>(),
            ["seed", "--facilities", "50", "--seed", "7", "--Database:DataDirectory", data.Path], output, error, CancellationToken.None);

        exitCode.ShouldBe(SeedCommandLine.Done, error.ToString());
        output.ToString().ShouldContain("Added 50 sample facilities");
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        (await db.Facilities.CountAsync()).ShouldBe(50);
        (await db.Facilities.AllAsync(f => f.IsSampleData)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("seed", "--facilities")]
    [InlineData("seed", "--facilities", "lots")]
    [InlineData("seed", "--facilities", "0")]
    [InlineData("seed", "--everything")]
    public async Task A_wrong_seed_command_line_exits_2_with_the_usage_and_writes_nothing(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var before = await fixture.Api.CountRowsAsync();

        var exitCode = await fixture.Api.Services.RunCommandAsync(fixture.Api.Services.GetRequiredService<IHostEnvironment>(), args,
            output, error, CancellationToken.None);

        exitCode.ShouldBe(SeedCommandLine.UsageError);
        error.ToString().ShouldContain("Usage: dotnet run --project src/Cers.FacilityApi -- seed");
        (await fixture.Api.CountRowsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Arguments_that_name_no_command_start_the_server()
    {
        var exitCode = await fixture.Api.Services.RunCommandAsync(fixture.Api.Services.GetRequiredService<IHostEnvironment>(),
            ["--urls", "http://127.0.0.1:0"], TextWriter.Null, TextWriter.Null, CancellationToken.None);

        exitCode.ShouldBeNull();
    }

    [Fact]
    public void Configuration_keys_on_the_seed_command_line_are_left_to_the_host()
    {
        var (arguments, help, errors) = SeedArguments.Parse(
            ["seed", "--Database:DataDirectory", "/tmp/x", "--facilities", "1000000", "--environment=Development", "--seed", "-3"]);

        errors.ShouldBeEmpty();
        help.ShouldBeFalse();
        arguments.ShouldBe(new SeedArguments(1_000_000, -3, AgenciesOnly: false));
    }
}
