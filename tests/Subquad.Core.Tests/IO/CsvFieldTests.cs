using Subquad.Core.IO;

namespace Subquad.Core.Tests.IO;

/// <summary>The one CSV field formatter: RFC 4180 quoting of commas, quotes, CR and LF; every other field as it is.</summary>
public class CsvFieldTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("carriage\rreturn", "\"carriage\rreturn\"")] // the duel writer's own copy missed CR
    [InlineData("crlf\r\n", "\"crlf\r\n\"")]
    [InlineData("tab\tand ;", "tab\tand ;")]
    public void Quote_QuotesExactlyTheFieldsThatNeedIt(string field, string expected) => Assert.Equal(expected, CsvField.Quote(field));

    [Fact]
    public void Quote_RoundTripsThroughAnRfc4180Reader()
    {
        // A quoted field read back the RFC 4180 way (strip the outer quotes, halve the doubled ones) is the field.
        foreach (string field in new[] { "a,\"b\"\r\nc", "\"", ",", "\r" })
        {
            string quoted = CsvField.Quote(field);
            Assert.StartsWith("\"", quoted, StringComparison.Ordinal);
            Assert.Equal(field, quoted[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal));
        }
    }
}
