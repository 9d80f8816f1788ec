// The element type of the tape, chosen at compile time. Subquad.Learn builds with float (the training library);
// Subquad.Learn.Float64 compiles the same Autodiff, Ops and Mixers sources with LEARN_FLOAT64 defined, so every op and
// mixer also exists in float64 with the identical code path (the PyTorch float64 fixtures check it at 1e-9).
// An alias, not generics: the float API stays exactly what callers see today, and the kernels see a concrete type
// (Vector512<Real>, MathF or Math) with no generic-math dispatch in the inner loops.
#if LEARN_FLOAT64
global using Real = double;
global using RealMath = System.Math;
#else
global using Real = float;
global using RealMath = System.MathF;
#endif
