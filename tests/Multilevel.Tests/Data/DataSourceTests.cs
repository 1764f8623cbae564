using Multilevel.Data;
using Xunit;
using static Multilevel.Tests.Data.DataFixtures;

namespace Multilevel.Tests.Data;

/// <summary>DATA as a path or a built-in name: the test changes the working directory, so it runs alone.</summary>
[Collection(SerialCollection.Name)]
public class DataSourceTests
{
    [Fact]
    public void A_path_wins_over_a_builtin_name_and_unknown_names_list_what_is_accepted()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"mlm-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string cwd = Environment.CurrentDirectory;
        try
        {
            File.WriteAllText(Path.Combine(dir, "hsb"), "not,hsb\n1,2\n");
            File.Copy(DataFile("dyestuff.csv"), Path.Combine(dir, "hsb.csv"));
            Environment.CurrentDirectory = dir;
            // "hsb.csv" is a file here: it wins. "hsb" is a file without an extension: not readable, and it wins.
            Assert.Equal(["Batch", "Yield"], DataSource.Load("hsb.csv").ColumnNames);
            Assert.Throws<DataSourceException>(() => DataSource.Load("hsb"));
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
            Directory.Delete(dir, recursive: true);
        }
        var e = Assert.Throws<DataSourceException>(() => DataSource.Load("no-such-data"));
        Assert.Contains(".csv or .dta", e.Message, StringComparison.Ordinal);
        Assert.Contains("hsb, sleepstudy", e.Message, StringComparison.Ordinal);
    }
}
