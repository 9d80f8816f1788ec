namespace Subquad.Models.Attention;

/// <summary>The hardware float format the fast attention engine computes in.</summary>
public enum AttentionPrecision
{
    /// <summary>IEEE binary64 throughout.</summary>
    Float64,

    /// <summary>IEEE binary32: X, Q, K, V are rounded to float32 and every later operation runs in float32.</summary>
    Float32,
}
