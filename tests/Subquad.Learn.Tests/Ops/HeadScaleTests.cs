using Subquad.Learn.Ops;
using static Subquad.Learn.Tests.Ops.GradientCheck;

namespace Subquad.Learn.Tests.Ops;

/// <summary>The learned per-head temperature: forward against the float64 reference, gradients by central differences.</summary>
public sealed class HeadScaleTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 6, 1)]
    [InlineData(5, 6, 3)]
    public void Head_scale_matches_reference_and_finite_differences(int rows, int cols, int heads)
    {
        var rng = new Random(rows * 31 + cols * 7 + heads);
        var logScale = Normal(rng, heads, 0.7);
        GradientCheck.Check("head-scale", [Normal(rng, rows * cols), logScale], [(rows, cols), (1, heads)],
            (t, x) => HeadScale.Apply(t, x[0], x[1]), x => HeadScale.Reference.Forward(x[0], x[1], rows, cols));
    }

    [Fact]
    public void Head_scale_refuses_a_width_that_does_not_split_into_its_heads()
    {
        var x = new Subquad.Learn.Autodiff.Tensor(2, 5);
        var s = new Subquad.Learn.Autodiff.Tensor(1, 2);
        Assert.Throws<ArgumentException>(() => HeadScale.Apply(new Subquad.Learn.Autodiff.Tape(), x, s));
    }
}
