using Subquad.Core.Engine;
using Subquad.Gpu.Devices;

namespace Subquad.Gpu.Engine;

/// <summary>
/// One solve on the device: the runners its workers created and the resident copy of its rows (if it fits), all
/// released when the solve returns.
/// </summary>
internal sealed class GpuSolveScope : IDisposable
{
    private readonly object _lock = new();
    private readonly List<GpuTileRunner> _runners = [];
    private readonly long _residentBudget;
    private EngineContext? _residentFor;
    private ResidentRows? _resident;
    private bool _residentDecided;

    public GpuSolveScope(GpuDevice device, int capacity, long residentBudget)
    {
        Device = device;
        Capacity = capacity;
        _residentBudget = residentBudget;
    }

    public GpuDevice Device { get; }

    public int Capacity { get; }

    /// <summary>True once a solve of this scope ran with its rows resident on the device.</summary>
    public bool UsedResidentRows { get; private set; }

    public ITileRunner CreateRunner(EngineContext context)
    {
        var runner = new GpuTileRunner(context, this);
        lock (_lock) _runners.Add(runner);
        return runner;
    }

    /// <summary>The resident rows of <paramref name="context"/>, uploaded by the first caller, or null when they do not fit the budget.</summary>
    public ResidentRows? Resident(EngineContext context)
    {
        lock (_lock)
        {
            if (_residentDecided && ReferenceEquals(_residentFor, context)) return _resident;
            _resident?.Dispose();
            _resident = null;
            _residentFor = context;
            _residentDecided = true;
            if (ResidentRows.BytesFor(context) <= _residentBudget)
            {
                lock (Device.Gate) _resident = new ResidentRows(context, Device);
                UsedResidentRows = true;
            }

            return _resident;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var runner in _runners) runner.Dispose();
            _runners.Clear();
            _resident?.Dispose();
            _resident = null;
        }
    }
}
