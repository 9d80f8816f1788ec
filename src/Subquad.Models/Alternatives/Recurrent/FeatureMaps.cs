using Subquad.Models.Attention;

namespace Subquad.Models.Alternatives.Recurrent;

/// <summary>Applies a feature map to every row.</summary>
internal static class FeatureMaps
{
    public static Matrix MapRows(IFeatureMap map, Matrix x)
    {
        var result = new Matrix(x.Rows, map.Dimension(x.Columns));
        for (int i = 0; i < x.Rows; i++) map.Map(x.Row(i), result.Row(i));
        return result;
    }
}
