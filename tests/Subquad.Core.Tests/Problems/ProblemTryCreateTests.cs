using CsCheck;
using Subquad.Core.Problems;

namespace Subquad.Core.Tests.Problems;

/// <summary><see cref="Problem.TryCreate(string, string?, string?, out Problem?, out string?)"/>: the one text parser, equal to the factories.</summary>
public class ProblemTryCreateTests
{
    public static TheoryData<string, string?, string?, Problem> Valid() => new()
    {
        { "msd", null, null, Problem.Exact(ProblemKind.Msd) },
        { "LSD", "0.25", null, Problem.WithThreshold(ProblemKind.Lsd, new Rational(1, 4)) },
        { "maxip", "3", null, Problem.WithThreshold(ProblemKind.MaxIp, Rational.FromInteger(3)) },
        { "minip", null, "1.5", Problem.Approximate(ProblemKind.MinIp, new Rational(3, 2)) },
        { "ov", null, null, Problem.OrthogonalVectors },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void ValidText_GivesTheProblem(string kind, string? threshold, string? gamma, Problem expected)
    {
        Assert.True(Problem.TryCreate(kind, threshold, gamma, out var problem, out var error), error);
        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("hamming", null, null, "problem \"hamming\"", "is not one of msd, lsd, maxip, minip, ov")]
    [InlineData("msd", "0.5", "2", "a threshold and a gamma", "exclude each other")]
    [InlineData("msd", "1.5", null, "threshold 1.5: ", "a cosine threshold must lie in [0, 1]")]
    [InlineData("maxip", "2.5", null, "threshold 2.5: ", "an inner-product threshold must be an integer")]
    [InlineData("maxip", "-1", null, "threshold -1: ", "expected a non-negative decimal")]
    [InlineData("lsd", null, "0.9", "gamma 0.9: ", "gamma must be at least 1")]
    [InlineData("lsd", null, "x", "gamma x: ", "expected a decimal number >= 1")]
    [InlineData("ov", "0", null, "threshold 0: ", "OV takes no threshold")]
    [InlineData("ov", null, "2", "gamma 2: ", "OV is a decision problem")]
    public void InvalidText_GivesOneLineNamingTheParameter(string kind, string? threshold, string? gamma, string start, string reason)
    {
        Assert.False(Problem.TryCreate(kind, threshold, gamma, out var problem, out var error));
        Assert.Null(problem);
        Assert.StartsWith(start, error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    /// <summary>On generated kinds and decimals, TryCreate succeeds exactly when the factory does, with the same problem and reason.</summary>
    [Fact]
    public void TryCreate_AgreesWithTheFactories()
    {
        var decimals = Gen.Select(Gen.Int[0, 400], Gen.Int[0, 3]).Select((v, places) => (v / Math.Pow(10, places)).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
        Gen.Select(Gen.Enum<ProblemKind>(), decimals, Gen.Bool).Sample((kind, text, asThreshold) =>
        {
            Assert.True(Rational.TryParse(text, out var value));
            Problem? expected = null;
            string? reason = null;
            try
            {
                expected = asThreshold ? Problem.WithThreshold(kind, value) : Problem.Approximate(kind, value);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                reason = ex.Message;
            }

            bool ok = Problem.TryCreate(kind, asThreshold ? text : null, asThreshold ? null : text, out var problem, out var error);
            Assert.Equal(expected is not null, ok);
            if (ok) Assert.Equal(expected, problem);
            else Assert.StartsWith($"{(asThreshold ? "threshold" : "gamma")} {text}: ", error, StringComparison.Ordinal);
            if (!ok)
            {
                // The reason after "threshold x: " is the factory's own message.
                string message = error!;
                Assert.Contains(message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..], reason!, StringComparison.Ordinal);
            }
        }, iter: 2000);
    }
}
