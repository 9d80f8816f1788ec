using System.Diagnostics;
using Subquad.Core.Kernels;

namespace Subquad.Benchmarks;

/// <summary>
/// The int8 quantizer alone (<see cref="Int8Rows.QuantizeVector512"/>), 512 rows of d = 256 in cache, three rounds:
/// ns per element. <c>-- probe-quant</c>.
/// </summary>
internal static unsafe class QuantProbe
{
    public static void Run()
    {
        const int Rows = 512, D = 256;
        var data = new float[Rows * D];
        var random = new Random(5);
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        var bytes = new byte[Rows * D];
        fixed (float* x = data)
        fixed (byte* b = bytes)
        {
            for (int round = 0; round < 3; round++)
            {
                var watch = Stopwatch.StartNew();
                long rows = 0;
                while (watch.ElapsedMilliseconds < 300)
                {
                    for (int r = 0; r < Rows; r++) Int8Rows.QuantizeVector512(x + r * D, D, b + r * D, 0x80);
                    rows += Rows;
                }

                Console.WriteLine($"quantize: {watch.Elapsed.TotalSeconds * 1e9 / (rows * D):F3} ns per element");
            }
        }
    }
}
