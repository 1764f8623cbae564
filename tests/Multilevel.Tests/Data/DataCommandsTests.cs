using System.Text.Json;
using Xunit;
using static Multilevel.Tests.Data.DataFixtures;
using CliRunner = Multilevel.Tests.Cli.Cli;

namespace Multilevel.Tests.Data;

/// <summary>The data commands of <c>mlm</c>, run in-process with the console redirected.</summary>
[Collection(SerialCollection.Name)]
public class DataCommandsTests
{
    private static Task<CliRunner.Result> Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public async Task Describe_hsb_prints_the_tutorial_table()
    {
        var (exit, output, _) = await Run("describe", "hsb", "mathach", "ses");
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        // Tutorial, In [2] (see SummaryTests for the 75% line).
        Assert.Equal("           mathach          ses", lines[0]);
        Assert.Equal("mean     12.747853     0.000143", lines[2]);
        Assert.Equal("std       6.878246     0.779355", lines[3]);
        Assert.Equal("75%      18.317000     0.602000", lines[7]);
    }

    public static TheoryData<string> HsbFiles => new() { "hsb.dta", "hsb_v15.dta", "hsb_v12.dta", "hsb_v7.dta" };

    [Theory]
    [MemberData(nameof(HsbFiles))]
    public async Task Describe_of_a_dta_file_prints_the_same_as_the_csv(string file)
    {
        var csv = await Run("describe", DataFile("hsb.csv"));
        var dta = await Run("describe", DataFile(file));
        Assert.Equal(0, dta.Exit);
        Assert.Equal(csv.Out, dta.Out);
    }

    [Fact]
    public async Task Describe_json_is_one_object_with_the_statistics()
    {
        var (exit, output, _) = await Run("describe", "hsb", "mathach", "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var mathach = json.RootElement.GetProperty("numeric").GetProperty("mathach");
        Assert.Equal(7185, mathach.GetProperty("count").GetInt32());
        Assert.Equal(12.747853, mathach.GetProperty("mean").GetDouble(), 5e-7);
        Assert.Equal(6.878246, mathach.GetProperty("std").GetDouble(), 5e-7);
        Assert.Equal(7185, json.RootElement.GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task Crosstab_prints_the_tutorial_counts()
    {
        var (exit, output, _) = await Run("crosstab", "hsb", "sector", "female", "minority");
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.Equal("0         1315  415  1406  506", lines[3]);
        Assert.Equal("1         1166  494  1324  559", lines[4]);
    }

    [Fact]
    public async Task Crosstab_json_and_dropped_rows()
    {
        var (exit, output, _) = await Run("crosstab", DataFile("hsb_missing.csv"), "sector", "female", "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["0", "1"], root.GetProperty("row_levels").EnumerateArray().Select(e => e.GetString()));
        long total = root.GetProperty("counts").EnumerateArray().SelectMany(r => r.EnumerateArray()).Sum(c => c.GetInt64());
        Assert.Equal(7185 - root.GetProperty("rows_dropped").GetInt32(), total);
        Assert.True(root.GetProperty("rows_dropped").GetInt32() > 0);
    }

    [Fact]
    public async Task Datasets_lists_every_builtin_data_set()
    {
        var (exit, output, _) = await Run("datasets", "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var sets = json.RootElement.GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(Multilevel.Data.Datasets.Names, sets.Select(s => s.GetProperty("name").GetString()));
        var insteval = sets.Single(s => s.GetProperty("name").GetString() == "insteval");
        Assert.Equal(73421, insteval.GetProperty("rows").GetInt32());
        Assert.Equal(2972, insteval.GetProperty("factors").GetProperty("s").GetInt32());
        var text = await Run("datasets");
        Assert.Contains("hsb", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_prints_the_tutorial_description_and_crosstab()
    {
        var (exit, output, _) = await Run("demo");
        Assert.Equal(0, exit);
        Assert.Contains("mean     12.747853     0.000143", output, StringComparison.Ordinal);
        Assert.Contains("1         1166  494  1324  559", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Factor_and_levels_options_reach_the_data()
    {
        var (exit, output, _) = await Run("crosstab", "hsb", "sector", "female", "--levels", "sector=1,0", "--factor", "female");
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.StartsWith("1 ", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("0 ", lines[3], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "describe", "no-such-data")]
    [InlineData(1, "describe", "hsb", "nope")]
    [InlineData(1, "describe", "hsb", "--factor", "nope")]
    [InlineData(2, "describe", "hsb", "--levels", "sector")]
    [InlineData(2, "describe", "hsb", "--levels", "sector=0")]
    [InlineData(2, "describe", "hsb", "--bogus")]
    public async Task Errors_give_one_message_and_the_contract_exit_code(int code, params string[] args)
    {
        var (exit, output, error) = await Run(args);
        Assert.Equal(code, exit);
        Assert.Equal("", output);
        Assert.StartsWith("mlm: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_file_is_reported_with_file_and_line()
    {
        using var temp = Temp(".csv", "a,b\n1,2\n3\n");
        var (exit, output, error) = await Run("describe", temp.Path);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains($"{temp.Path}:3", error, StringComparison.Ordinal);
    }
}
