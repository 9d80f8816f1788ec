using Subquad.Core.Text;

namespace Subquad.Core.Tests.Text;

public class TokenizerTests
{
    [Theory]
    [InlineData("There are ten apples on the apple tree", "there|are|ten|apples|on|the|apple|tree")]
    [InlineData("Hello, WORLD!! 42nd-street_x", "hello|world|42nd|street|x")]
    [InlineData("  ", "")]
    [InlineData("ÉCOLE Straße ΣΟΦΙΑ", "école|straße|σοφια")]
    [InlineData("日本語のテキスト", "日本語のテキスト")]
    [InlineData("naïve cafe\u0301 \u0301x", "naïve|cafe\u0301|x")]
    [InlineData("𝐀𝐁c 🍎apple", "𝐀𝐁c|apple")]
    [InlineData("x²+y³=z٣", "x|y|z٣")]
    public void Tokens_AreLowerCasedRunsOfLettersAndDigits(string text, string expected)
    {
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), Tokenizer.Tokens(text).ToArray());
    }
}
