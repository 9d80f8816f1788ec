using System.Runtime.Intrinsics;

namespace Subquad.Core.Kernels;

/// <summary>
/// How a 512-bit tile kernel turns one vector of a left row and one of a right row into per-byte counts of
/// popcount(x AND y). The tile body (<see cref="BinaryInnerProducts"/>) is generic over it, so every counting scheme
/// shares one register-tiled loop, one flush and one reduction; the JIT specialises the body per counter (a struct),
/// so the abstraction costs nothing at run time.
/// </summary>
/// <typeparam name="TSelf">The counter itself (a struct whose constants live in registers).</typeparam>
internal interface IPairByteCounter<TSelf>
    where TSelf : struct, IPairByteCounter<TSelf>
{
    /// <summary>Vectors a byte lane may count before it could pass 255 (then the lanes are widened with SAD).</summary>
    static abstract int VectorsPerFlush { get; }

    /// <summary>The counter with its constant tables loaded.</summary>
    static abstract TSelf Create();

    /// <summary>Work done once per loaded row and shared by the 4 pairs it meets (may be nothing).</summary>
    Vector512<byte> Prepare(Vector512<byte> row);

    /// <summary>Per byte: popcount(x AND y), from both rows and their <see cref="Prepare"/> results.</summary>
    Vector512<byte> Count(Vector512<byte> x, Vector512<byte> xPrepared, Vector512<byte> y, Vector512<byte> yPrepared);
}
