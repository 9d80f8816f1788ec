namespace Subquad.Lab.StateLimit;

/// <summary>Which earlier vectors a one-pass strategy keeps when its memory is full.</summary>
public enum RetentionPolicy
{
    /// <summary>Keep the first K vectors seen (the plain "keep what fits"); position-blind, so on instances whose witness is placed at random it finds it with probability about 1 - (1 - K/n)^2.</summary>
    KeepFirst,

    /// <summary>
    /// Keep the K vectors most likely to take part in a witness: the lightest for the "min" problems (OV, LSD, Min-IP: a
    /// sparse vector is orthogonal to more), the heaviest for the "max" problems (Max-IP, MSD). Ties keep the earlier.
    /// </summary>
    KeepByWeight,

    /// <summary>
    /// Keep a uniform random sample of the vectors seen so far (Vitter's algorithm R: the j-th vector replaces a random
    /// kept one with probability K/j). Unlike keep-first it does not favour the start of the stream; it is seeded.
    /// </summary>
    Reservoir,

    /// <summary>
    /// Not a retention policy but a lossy sketch at the same budget: every vector is cut to one shared, seeded random
    /// half of the coordinates (ceil(l/2) bits, the shared mask charged l bits once), so twice as many vectors fit; a
    /// pair is declared a witness when its inner product estimated from the kept half, scaled by l / k, meets the
    /// threshold. Unlike the exact strategies it can answer yes wrongly (two vectors that overlap only outside the
    /// half look orthogonal).
    /// </summary>
    Sketch,
}
