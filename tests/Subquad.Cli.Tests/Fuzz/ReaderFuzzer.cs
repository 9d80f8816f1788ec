using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Subquad.Core;

namespace Subquad.Cli.Tests.Fuzz;

/// <summary>
/// An in-process mutation fuzzer for Subquad's input readers (no native tools, so it runs wherever the tests run):
/// it takes seed files, mutates them (bit flips, interesting integers at random offsets, inserted and deleted runs,
/// chunk duplication, truncation, splices of two seeds, text tokens), and runs the reader on each mutant with three
/// checks: the only exception allowed is <see cref="InputException"/> (a one-line input error); the managed bytes
/// allocated stay under a stated bound; and the reader returns within a time limit (a hang fails the run).
/// </summary>
/// <remarks>
/// Seeded and reproducible: a failure names the seed and iteration and carries the input as base64, so it can be
/// pasted into a regression test. The budget per target comes from SUBQUAD_FUZZ_SECONDS (default 10 s; 120 s with
/// SUBQUAD_LONG_TESTS).
/// </remarks>
internal sealed class ReaderFuzzer(string name, IReadOnlyList<byte[]> seeds, Action<byte[]> read, bool text)
{
    private static readonly long[] Interesting = [0, 1, -1, 2, 63, 64, 127, 128, 255, 256, 32767, 65535, 65536, int.MaxValue, int.MinValue, (1L << 29) + 1, uint.MaxValue, long.MaxValue];
    private static readonly string[] Tokens = ["0", "1", "-1", "nan", "inf", "1e39", "\"", ",", ";", "\t", "\n", "\r\n", " ", "p cnf ", "%", "c ", "{", "}", "[", "]", ":", "null", "true", "999999999999", "-2147483649", "\u0000", "\u001b[31m", "'shape': (", "L", "#"];

    /// <summary>Per-input wall-clock limit: a reader that takes longer is reported as a hang.</summary>
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Managed allocation allowed per input: this constant plus <see cref="AllocationPerInputByte"/> per input byte.</summary>
    public long AllocationBase { get; init; } = 64L << 20;

    /// <summary>Allocation allowed per input byte (a reader may hold the data a few times over while parsing).</summary>
    public long AllocationPerInputByte { get; init; } = 64;

    /// <summary>The seconds each target runs for.</summary>
    public static double BudgetSeconds()
    {
        string? text = Environment.GetEnvironmentVariable("SUBQUAD_FUZZ_SECONDS");
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0) return seconds;
        return Environment.GetEnvironmentVariable("SUBQUAD_LONG_TESTS") is { Length: > 0 } ? 120 : 10;
    }

    /// <summary>Runs mutants until the budget is spent; returns (inputs run, input errors seen).</summary>
    public (long Runs, long InputErrors) Run(int seed, double seconds)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        long runs = 0, inputErrors = 0;
        foreach (var original in seeds)
        {
            // Every seed must read cleanly, or the harness would be fuzzing a broken corpus.
            var (ok, failure) = Execute(original);
            Assert.True(ok && failure is null, $"{name}: seed does not read: {failure}");
        }

        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var input = Mutate(random);
            runs++;
            var (ok, failure) = Execute(input);
            if (failure is not null)
            {
                Assert.Fail($"{name} fuzz (seed {seed}, run {runs}): {failure}\ninput (base64): {Convert.ToBase64String(input)}");
            }

            if (!ok) inputErrors++;
        }

        return (runs, inputErrors);
    }

    /// <summary>(true, null) read fine; (false, null) a clean input error; (_, message) a failure.</summary>
    private (bool Ok, string? Failure) Execute(byte[] input)
    {
        Exception? thrown = null;
        long allocated = 0;
        var worker = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read(input);
            }
            catch (Exception ex)
            {
                thrown = ex;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }, 64 << 20) { IsBackground = true };
        worker.Start();
        if (!worker.Join(HangLimit)) return (false, $"hang: no answer within {HangLimit.TotalSeconds} s on {input.Length} bytes");
        long bound = AllocationBase + (AllocationPerInputByte * input.Length);
        if (allocated > bound) return (false, $"allocated {allocated:N0} bytes on a {input.Length}-byte input (bound {bound:N0})");
        return thrown switch
        {
            null => (true, null),
            InputException ex when !ex.Message.Contains('\n', StringComparison.Ordinal) => (false, null),
            InputException ex => (false, "an input error of several lines: " + ex.Message),
            _ => (false, $"{thrown.GetType().Name}: {thrown.Message}\n{thrown.StackTrace}"),
        };
    }

    private byte[] Mutate(Random random)
    {
        var data = new List<byte>(seeds[random.Next(seeds.Count)]);
        int steps = 1 + random.Next(random.Next(2) == 0 ? 3 : 12);
        for (int s = 0; s < steps; s++)
        {
            int at = data.Count == 0 ? 0 : random.Next(data.Count + 1);
            switch (random.Next(text ? 9 : 8))
            {
                case 0 when data.Count > 0:
                    {
                        int k = Math.Min(at, data.Count - 1);
                        data[k] ^= (byte)(1 << random.Next(8));
                        break;
                    }

                case 1 when data.Count > 0:
                    data[Math.Min(at, data.Count - 1)] = (byte)random.Next(256);
                    break;
                case 2:
                    {
                        // An interesting integer, 1, 2, 4 or 8 bytes little-endian, written over the data.
                        long value = Interesting[random.Next(Interesting.Length)];
                        int width = 1 << random.Next(4);
                        var bytes = new byte[8];
                        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
                        for (int k = 0; k < width; k++)
                        {
                            if (at + k < data.Count) data[at + k] = bytes[k];
                            else data.Add(bytes[k]);
                        }

                        break;
                    }

                case 3 when data.Count > 0:
                    data.RemoveRange(Math.Min(at, data.Count - 1), Math.Min(data.Count - Math.Min(at, data.Count - 1), 1 + random.Next(16)));
                    break;
                case 4:
                    data.InsertRange(at, Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256)));
                    break;
                case 5 when data.Count > 0:
                    {
                        int start = random.Next(data.Count);
                        int length = Math.Min(data.Count - start, 1 + random.Next(64));
                        var chunk = data.GetRange(start, length);
                        for (int r = random.Next(1, 4); r > 0; r--) data.InsertRange(Math.Min(at, data.Count), chunk);
                        break;
                    }

                case 6 when data.Count > 0:
                    data.RemoveRange(at == data.Count ? data.Count - 1 : at, data.Count - (at == data.Count ? data.Count - 1 : at));
                    break;
                case 7:
                    {
                        var other = seeds[random.Next(seeds.Count)];
                        int from = other.Length == 0 ? 0 : random.Next(other.Length);
                        data.RemoveRange(Math.Min(at, data.Count), data.Count - Math.Min(at, data.Count));
                        data.AddRange(other.Skip(from));
                        break;
                    }

                default:
                    data.InsertRange(Math.Min(at, data.Count), System.Text.Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                    break;
            }
        }

        return [.. data];
    }
}
