using Subquad.Core;
using Subquad.Lab.Duel;

namespace Subquad.Lab.Tests.Duel;

public sealed class DuelExperimentTests
{
    [Fact]
    public void Experiment_RoundTripsThroughJson()
    {
        var experiment = DuelExperiment.Default;
        var back = DuelExperiment.FromJson(experiment.ToJson());
        Assert.Equal(experiment.ToJson(), back.ToJson());
        Assert.Equal(experiment.Sizes, back.Sizes);
    }

    [Theory]
    [InlineData("{\"problem\": \"xyz\", \"families\": [{\"kind\":\"random\"}], \"sizes\": [16]}", "xyz")]
    [InlineData("{\"problem\": \"lsd\", \"families\": [{\"kind\":\"random\"}], \"sizes\": [16]}", "threshold")]
    [InlineData("{\"problem\": \"ov\", \"families\": [], \"sizes\": [16]}", "no families")]
    [InlineData("{\"problem\": \"ov\", \"families\": [{\"kind\":\"random\"}], \"sizes\": [2]}", "too small")]
    [InlineData("{\"problem\": \"ov\", \"families\": [{\"kind\":\"random\"}], \"sizes\": [16], \"mixers\": [{\"kind\": \"hyena\"}]}", "hyena")]
    [InlineData("{\"problem\": \"ov\", \"families\": [{\"kind\":\"random\", \"density\": 2}], \"sizes\": [16]}", "density")]
    [InlineData("{\"problem\": \"ov\", ", "not a valid duel experiment")]
    public void Experiment_WithAMistake_IsRejectedInOneLine(string json, string expected)
    {
        var error = Assert.Throws<InputException>(() => DuelExperiment.FromJson(json, "exp.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Dimensions_FollowTheLogRule()
    {
        var e = new DuelExperiment { DimensionFactor = 2, MinDimensions = 8 };
        Assert.Equal(8, e.DimensionsFor(4));
        Assert.Equal(14, e.DimensionsFor(128));
        Assert.Equal(20, e.DimensionsFor(1024));
    }
}
