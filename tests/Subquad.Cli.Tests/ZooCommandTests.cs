namespace Subquad.Cli.Tests;

/// <summary>Bad experiment files for <c>subquad zoo</c>: one error line naming the file, exit 2, nothing written.</summary>
public sealed class ZooCommandTests
{
    [Fact]
    public void A_field_out_of_range_in_the_experiment_file_names_the_file_and_the_field()
    {
        using var temp = new CliHarness.TempFolder();
        string file = temp.File("zoo.json");
        File.WriteAllText(file, "{\n  \"sizes\": [16],\n  \"lr_search_sizes\": [32]\n}\n");
        string output = temp.File("out");
        var result = CliHarness.Run("zoo", "-o", output, "--experiment", file);
        Assert.Equal(2, result.Code);
        Assert.Contains(file, result.ErrorLine, StringComparison.Ordinal);
        Assert.Contains("lr_search_sizes", result.ErrorLine, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_syntax_error_in_the_experiment_file_names_the_file_once_and_the_line()
    {
        using var temp = new CliHarness.TempFolder();
        string file = temp.File("zoo.json");
        File.WriteAllText(file, "{\n  \"sizes\": [16,\n");
        var result = CliHarness.Run("zoo", "-o", temp.File("out"), "--experiment", file);
        Assert.Equal(2, result.Code);
        string line = result.ErrorLine;
        Assert.Equal(line.IndexOf(file, StringComparison.Ordinal), line.LastIndexOf(file, StringComparison.Ordinal));
        Assert.Contains("line 3", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_flag_is_a_usage_error()
    {
        using var temp = new CliHarness.TempFolder();
        Assert.Equal(1, CliHarness.Run("zoo", "-o", temp.File("out"), "--jobs", "0").Code);
    }
}
