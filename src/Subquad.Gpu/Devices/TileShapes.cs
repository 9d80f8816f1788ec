namespace Subquad.Gpu.Devices;

/// <summary>A kernel geometry fixed at kernel load time: threads per side of a group (each owns a 4 x 4 micro-tile).</summary>
public interface ITileShape
{
    /// <summary>Threads per side; the group is Side x Side threads, its tile 4 Side rows per side (at most 64).</summary>
    int Side { get; }
}

/// <summary>The GPU geometry: 16 x 16 = 256 threads, 64 x 64 pairs per group.</summary>
public readonly struct DeviceShape : ITileShape
{
    /// <inheritdoc/>
    public int Side => 16;
}

/// <summary>The CPU accelerator's geometry: 2 x 2 = 4 threads (host threads there), 8 x 8 pairs per group: still several threads sharing memory across barriers, at a cost the emulation can afford.</summary>
public readonly struct EmulatedShape : ITileShape
{
    /// <inheritdoc/>
    public int Side => 2;
}
