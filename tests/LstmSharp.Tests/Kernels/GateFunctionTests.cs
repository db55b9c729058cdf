using System.Numerics;
using LstmSharp.Kernels;
using Xunit;

namespace LstmSharp.Tests.Kernels;

/// <summary>
/// The element-wise gate functions of <see cref="ILanes{TSelf, T}"/>: σ and tanh over the kernels' float exponential
/// (<see cref="ExpConstants"/>) and the BCL's double one, at every vector width the machine accelerates.
/// </summary>
public sealed class GateFunctionTests
{
    /// <summary>Every multiple of 1/1000 in [−100, 100], then 200,000 values spread log-uniformly over 10⁻⁴ … 10² of either sign.</summary>
    private static readonly float[] Inputs = BuildInputs();

    [Fact]
    public void Sigmoid_FloatEveryWidth_WithinThreeUlps()
    {
        // Measured worst case 2.22 ulps (TensorPrimitives.Sigmoid's own: 3.44), at x ≈ −16.7. Below 1e-38 the input is
        // clamped, so σ(x ≤ −88.4) is a denormal of about 4e-39 instead of a smaller one.
        foreach ((string width, float[] output) in EveryWidth(Inputs, sigmoid: true))
        {
            for (int index = 0; index < Inputs.Length; index++)
            {
                double x = Inputs[index], expected = 1 / (1 + Math.Exp(-x)), error = Math.Abs(output[index] - expected);
                Assert.True(error <= 3 * Ulp(expected) || error <= 1e-38, $"{width}: σ({x:R}) = {output[index]:R}, expected {expected:R}, {error / Ulp(expected):F2} ulps");
            }
        }
    }

    [Fact]
    public void Tanh_FloatEveryWidth_WithinThreeUlpsOrTheFormulasAbsoluteError()
    {
        // tanh(x) = sign(x)·(−z / (z + 2)), z = e^(−2|x|) − 1, is TensorPrimitives' formula: near 0, e^(−2|x|) − 1 cancels, which
        // costs about one ulp of 1 absolute (TensorPrimitives.Tanh's worst here: 1.48e-7; this one's: the same). Elsewhere
        // measured within 2.49 ulps.
        foreach ((string width, float[] output) in EveryWidth(Inputs, sigmoid: false))
        {
            for (int index = 0; index < Inputs.Length; index++)
            {
                double x = Inputs[index], expected = Math.Tanh(x), error = Math.Abs(output[index] - expected);
                Assert.True(error <= 3 * Ulp(expected) || (Math.Abs(x) < 0.5 && error <= 1.5e-7), $"{width}: tanh({x:R}) = {output[index]:R}, expected {expected:R}");
            }
        }
    }

    [Fact]
    public void GateFunctions_EveryWidth_SameBits()
    {
        // Where the CPU accelerates one width only (ARM64: 128 bits), there is nothing to compare; CI's x64 runs three.
        var random = new Random(7);
        float[] floats = [.. Enumerable.Range(0, 4096).Select(_ => (float)((random.NextDouble() * 2 - 1) * 30))];
        double[] doubles = [.. floats.Select(value => (double)value * 1.000000123)];
        foreach (bool sigmoid in new[] { true, false })
        {
            AssertAllEqual(EveryWidth(floats, sigmoid));
            AssertAllEqual(EveryWidth(doubles, sigmoid));
        }

        static void AssertAllEqual<T>(List<(string Width, T[] Output)> results)
        {
            foreach ((string width, T[] output) in results.Skip(1))
            {
                Assert.True(results[0].Output.SequenceEqual(output), $"{width} differs from {results[0].Width}");
            }
        }
    }

    [Fact]
    public void GateFunctions_SpecialValues_KeepNaNAndTheLimits()
    {
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, 200f, -200f];
        foreach ((string width, float[] s) in EveryWidth(special, sigmoid: true))
        {
            Assert.True(float.IsNaN(s[0]), $"{width}: σ(NaN) = {s[0]}");
            Assert.Equal(1f, s[1]);
            Assert.InRange(s[2], 0f, 1e-38f);
            Assert.Equal(0.5f, s[3]);
            Assert.Equal(1f, s[4]);
            Assert.InRange(s[5], 0f, 1e-38f);
        }

        foreach ((string width, float[] t) in EveryWidth(special, sigmoid: false))
        {
            Assert.True(float.IsNaN(t[0]), $"{width}: tanh(NaN) = {t[0]}");
            Assert.Equal(1f, t[1]);
            Assert.Equal(-1f, t[2]);
            Assert.Equal(0f, t[3]);
            Assert.Equal(1f, t[4]);
            Assert.Equal(-1f, t[5]);
        }
    }

    private static double Ulp(double value)
    {
        float magnitude = (float)Math.Abs(value);
        return MathF.BitIncrement(magnitude) - magnitude;
    }

    /// <summary>σ or tanh of every input at each accelerated vector width (at least one: the scalar lane where none is).</summary>
    private static List<(string Width, T[] Output)> EveryWidth<T>(T[] inputs, bool sigmoid) where T : unmanaged, IFloatingPointIeee754<T>
    {
        List<(string, T[])> results = [];
        if (Lanes512<T>.IsAccelerated)
        {
            results.Add(("512-bit", Apply<Lanes512<T>, T>(inputs, sigmoid)));
        }

        if (Lanes256<T>.IsAccelerated)
        {
            results.Add(("256-bit", Apply<Lanes256<T>, T>(inputs, sigmoid)));
        }

        if (Lanes128<T>.IsAccelerated)
        {
            results.Add(("128-bit", Apply<Lanes128<T>, T>(inputs, sigmoid)));
        }

        if (results.Count == 0)
        {
            results.Add(("scalar", Apply<ScalarLane<T>, T>(inputs, sigmoid)));
        }

        return results;
    }

    private static T[] Apply<TLanes, T>(T[] inputs, bool sigmoid)
        where TLanes : struct, ILanes<TLanes, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Padded to whole vectors with zeros; the padding is cut off again.
        int count = (inputs.Length + TLanes.Count - 1) / TLanes.Count * TLanes.Count;
        T[] padded = [.. inputs, .. new T[count - inputs.Length]], output = new T[count];
        for (int index = 0; index < count; index += TLanes.Count)
        {
            TLanes value = TLanes.Load(ref padded[0], (nuint)index);
            TLanes.Store(sigmoid ? TLanes.Sigmoid(value) : TLanes.Tanh(value), ref output[0], (nuint)index);
        }

        return output[..inputs.Length];
    }

    private static float[] BuildInputs()
    {
        var random = new Random(11);
        IEnumerable<float> grid = Enumerable.Range(-100_000, 200_001).Select(step => step / 1000f);
        IEnumerable<float> spread = Enumerable.Range(0, 200_000)
            .Select(_ => (float)((random.Next(2) * 2 - 1) * Math.Pow(10, random.NextDouble() * 6 - 4)));
        return [.. grid, .. spread];
    }
}
