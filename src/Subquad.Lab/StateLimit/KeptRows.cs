using System.Runtime.Intrinsics;
using Subquad.Core.Problems;

namespace Subquad.Lab.StateLimit;

/// <summary>
/// The one-pass strategy's memory: up to K rows of A, compacted and side by side (slot order is the reference's kept-list
/// order, so the first hit and the comparison count match <see cref="OnePassStrategy.RunReference"/>). The retention
/// policies decide exactly as the reference does; keep-by-weight finds its worst slot through per-weight slot sets
/// (O(l + log K) per offer) instead of the reference's O(K) scan, which made its top rungs quadratic too.
/// </summary>
internal sealed class KeptRows
{
    private readonly PackedPairTest _test;
    private readonly int _capacity;
    private readonly int _words;
    private readonly RetentionPolicy _policy;
    private readonly bool _lighterIsBetter;
    private readonly ulong[] _rows;
    private readonly int[] _weights;
    private readonly int[] _index;
    private readonly SortedSet<int>[]? _byWeight;
    private readonly Random _random;
    private long _seen;

    public KeptRows(PackedPairTest test, int capacity, RetentionPolicy policy, ProblemKind kind, int dimensions, int seed)
    {
        _test = test;
        _capacity = capacity;
        _words = test.Words;
        _policy = policy;
        _lighterIsBetter = kind is ProblemKind.Ov or ProblemKind.Lsd or ProblemKind.MinIp;
        _rows = new ulong[(long)capacity * _words];
        _weights = new int[capacity];
        _index = new int[capacity];
        _random = new Random(seed);
        if (policy == RetentionPolicy.KeepByWeight)
        {
            _byWeight = new SortedSet<int>[dimensions + 1];
            for (int w = 0; w <= dimensions; w++) _byWeight[w] = [];
        }
    }

    /// <summary>Rows kept now.</summary>
    public int Count { get; private set; }

    /// <summary>Row index (in A) held in slot s.</summary>
    public int Index(int slot) => _index[slot];

    /// <summary>Offers row i of A (the policy keeps it, replaces a kept one, or drops it).</summary>
    public void Offer(int i)
    {
        if (_capacity == 0) return;
        _seen++;
        if (Count < _capacity)
        {
            Put(Count++, i);
            return;
        }

        switch (_policy)
        {
            case RetentionPolicy.Reservoir:
                long slot = _random.NextInt64(_seen);
                if (slot < _capacity) Put((int)slot, i);
                return;
            case RetentionPolicy.KeepByWeight:
                // The reference's worst slot: the first slot holding the worst weight (strict comparisons keep the earlier).
                int worstWeight = -1;
                if (_lighterIsBetter)
                {
                    for (int w = _byWeight!.Length - 1; w >= 0; w--)
                    {
                        if (_byWeight[w].Count > 0)
                        {
                            worstWeight = w;
                            break;
                        }
                    }
                }
                else
                {
                    for (int w = 0; w < _byWeight!.Length; w++)
                    {
                        if (_byWeight[w].Count > 0)
                        {
                            worstWeight = w;
                            break;
                        }
                    }
                }

                int weight = _test.WeightA(i);
                bool better = _lighterIsBetter ? weight < worstWeight : weight > worstWeight;
                if (better) Put(_byWeight[worstWeight].Min, i);
                return;
            default:
                return;
        }
    }

    private void Put(int slot, int i)
    {
        _byWeight?[_weights[slot]].Remove(slot); // a no-op for a slot filled for the first time (no set holds it yet)

        _test.RowA(i).CopyTo(_rows.AsSpan(slot * _words, _words));
        _weights[slot] = _test.WeightA(i);
        _index[slot] = i;
        _byWeight?[_weights[slot]].Add(slot);
    }

    /// <summary>The first slot whose row meets row j of B, or -1.</summary>
    public int FirstMeeting(PackedPairTest test, int j)
    {
        if (_words == 1) return FirstMeetingOneWord(test, j);
        for (int s = 0; s < Count; s++)
        {
            if (test.MeetsPacked(_rows.AsSpan(s * _words, _words), _weights[s], j)) return s;
        }

        return -1;
    }

    /// <summary>
    /// <see cref="FirstMeeting"/> for one-word rows: one AND + POPCNT per slot on the flat array and the limit looked up
    /// per kept weight (filled on first use for this j), instead of a span and a two-weight table lookup per pair; the
    /// threshold problems' top rungs (LSD_0 at S = 32 n) were 35x the OV rungs' cost before (107 against 3 CPU-s at
    /// n = 4,096). Same first slot as the general loop (tested against the reference run).
    /// </summary>
    private int FirstMeetingOneWord(PackedPairTest test, int j)
    {
        ulong x = test.RowB(j)[0];
        int wj = test.WeightB(j), count = Count;
        bool above = test.MeetsAbove;
        Span<int> limits = stackalloc int[65];
        limits.Fill(int.MinValue);
        for (int s = 0; s < count; s++)
        {
            int ip = System.Numerics.BitOperations.PopCount(_rows[s] & x), w = _weights[s];
            int limit = limits[w];
            if (limit == int.MinValue) limit = limits[w] = test.Limit(w, wj);
            if (above ? ip >= limit : ip <= limit) return s;
        }

        return -1;
    }

    /// <summary>OV: the first slot orthogonal to row j of B, or -1 (one-word rows: four slots per 256-bit AND).</summary>
    public int FirstOrthogonal(PackedPairTest test, int j)
    {
        var other = test.RowB(j);
        int count = Count;
        if (count == 0) return -1;
        if (_words == 1)
        {
            ulong x = other[0];
            int s = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vx = Vector256.Create(x);
                ref ulong start = ref _rows[0];
                for (; s + 4 <= count; s += 4)
                {
                    var v = Vector256.LoadUnsafe(ref start, (nuint)s) & vx;
                    if (Vector256.EqualsAny(v, Vector256<ulong>.Zero)) break;
                }
            }

            for (; s < count; s++)
            {
                if ((_rows[s] & x) == 0) return s;
            }

            return -1;
        }

        for (int s = 0; s < count; s++)
        {
            var row = _rows.AsSpan(s * _words, _words);
            ulong any = 0;
            for (int w = 0; w < row.Length; w++) any |= row[w] & other[w];
            if (any == 0) return s;
        }

        return -1;
    }
}
