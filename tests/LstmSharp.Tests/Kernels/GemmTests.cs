using System.Numerics;
using LstmSharp.Kernels;
using Xunit;

namespace LstmSharp.Tests.Kernels;

/// <summary>The GEMM kernels against a plain triple loop, over every small shape and a few large ones.</summary>
public class GemmTests
{
    public enum Form
    {
        AB,
        AtB,
        ABt,
    }

    private static readonly int[] s_depths = [0, 1, 3, 7, 16, 17, 33];

    public static TheoryData<Form> Forms => new() { Form.AB, Form.AtB, Form.ABt };

    public static TheoryData<Form, int, int, int> LargeShapes
    {
        get
        {
            TheoryData<Form, int, int, int> data = new();
            (int M, int K, int N)[] shapes =
            [
                (65, 256, 1024), (100, 513, 77), (1, 512, 2048), (3, 100, 400), (4, 1024, 257),
                (5, 129, 300), (32, 256, 1024), (64, 300, 1001), (65, 300, 131), (200, 600, 40),
            ];
            foreach (Form form in Enum.GetValues<Form>())
            {
                foreach ((int m, int k, int n) in shapes)
                {
                    data.Add(form, m, k, n);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Multiply_AllSmallShapesDouble_MatchesReference(Form form)
    {
        for (int m = 0; m <= 20; m++)
        {
            for (int n = 0; n <= 20; n++)
            {
                foreach (int k in s_depths)
                {
                    CheckAgainstReference<double>(form, m, k, n, seed: (m * 31 + n) * 41 + k);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Multiply_AllSmallShapesFloat_MatchesReference(Form form)
    {
        for (int m = 0; m <= 20; m++)
        {
            for (int n = 0; n <= 20; n++)
            {
                foreach (int k in s_depths)
                {
                    CheckAgainstReference<float>(form, m, k, n, seed: (m * 31 + n) * 41 + k);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(LargeShapes))]
    public void Multiply_LargeShapesDouble_MatchesReference(Form form, int m, int k, int n) =>
        CheckAgainstReference<double>(form, m, k, n, seed: m + k + n);

    [Theory]
    [MemberData(nameof(LargeShapes))]
    public void Multiply_LargeShapesFloat_MatchesReference(Form form, int m, int k, int n) =>
        CheckAgainstReference<float>(form, m, k, n, seed: m + k + n);

    [Theory]
    [MemberData(nameof(LargeShapes))]
    public void Multiply_OneVersusTwoThreads_BitIdentical(Form form, int m, int k, int n)
    {
        float[] a = Random<float>(m * k, 1), b = Random<float>(k * n, 2), c = Random<float>(m * n, 3);
        float[] one = (float[])c.Clone(), two = (float[])c.Clone();
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 1;
            Multiply<float>(form, a, b, m, k, n, one);
            Gemm.MaxThreads = 2;
            Multiply<float>(form, a, b, m, k, n, two);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }

        Assert.Equal(one, two);
    }

    [Fact]
    public void Multiply_HugeShapeOneVersusTwoThreads_BitIdentical()
    {
        const int m = 300, k = 700, n = 900;
        double[] a = Random<double>(m * k, 4), b = Random<double>(k * n, 5), c = Random<double>(m * n, 6);
        foreach (Form form in Enum.GetValues<Form>())
        {
            double[] one = (double[])c.Clone(), two = (double[])c.Clone();
            int saved = Gemm.MaxThreads;
            try
            {
                Gemm.MaxThreads = 1;
                Multiply<double>(form, a, b, m, k, n, one);
                Gemm.MaxThreads = 2;
                Multiply<double>(form, a, b, m, k, n, two);
            }
            finally
            {
                Gemm.MaxThreads = saved;
            }

            Assert.Equal(one, two);
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Multiply_LongerDestination_LeavesTailUntouched(Form form)
    {
        const int m = 9, k = 5, n = 35;
        double[] a = Random<double>(m * k, 7), b = Random<double>(k * n, 8);
        double[] c = new double[m * n + 17];
        Array.Fill(c, 42.0);
        Multiply<double>(form, a, b, m, k, n, c);
        Assert.All(c[(m * n)..], value => Assert.Equal(42.0, value));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Multiply_ShortDestination_ThrowsArgument(Form form)
    {
        double[] a = new double[6], b = new double[6], c = new double[3];
        Assert.Throws<ArgumentException>(() => Multiply<double>(form, a, b, 2, 3, 2, c));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Multiply_NegativeSize_ThrowsArgument(Form form)
    {
        double[] a = new double[6], b = new double[6], c = new double[6];
        Assert.Throws<ArgumentException>(() => Multiply<double>(form, a, b, -1, 3, 2, c));
    }

    [Fact]
    public void MaxThreads_Zero_ThrowsOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = 0);

    [Fact]
    public void Multiply_HalfScalarPath_MatchesReference()
    {
        const int m = 5, k = 6, n = 7;
        Half[] a = Random<Half>(m * k, 9), b = Random<Half>(k * n, 10), c = Random<Half>(m * n, 11);
        double[] expected = Reference(Form.AB, a, b, m, k, n, c, out double[] scale);
        Gemm.MultiplyAdd<Half>(a, b, m, k, n, c);
        for (int i = 0; i < c.Length; i++)
        {
            Assert.True(Math.Abs((double)c[i] - expected[i]) <= (k + 2) * 1e-3 * scale[i] + 1e-3, $"element {i}");
        }
    }

    private static void CheckAgainstReference<T>(Form form, int m, int k, int n, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] a = Random<T>(m * k, seed), b = Random<T>(k * n, seed + 1), c = Random<T>(m * n, seed + 2);
        double[] expected = Reference(form, a, b, m, k, n, c, out double[] scale);
        Multiply<T>(form, a, b, m, k, n, c);
        double eps = double.CreateChecked(MachineEpsilon<T>());
        for (int i = 0; i < c.Length; i++)
        {
            double actual = double.CreateChecked(c[i]);
            double tolerance = (k + 2) * eps * scale[i];
            Assert.True(Math.Abs(actual - expected[i]) <= tolerance,
                $"{form} m={m} k={k} n={n} element {i}: {actual} vs {expected[i]} (tolerance {tolerance})");
        }
    }

    private static T MachineEpsilon<T>() where T : IFloatingPointIeee754<T> => T.BitIncrement(T.One) - T.One;

    private static void Multiply<T>(Form form, T[] a, T[] b, int m, int k, int n, T[] c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (form)
        {
            case Form.AB:
                Gemm.MultiplyAdd<T>(a, b, m, k, n, c);
                break;
            case Form.AtB:
                Gemm.MultiplyTransposedAAdd<T>(a, b, m, k, n, c);
                break;
            default:
                Gemm.MultiplyTransposedBAdd<T>(a, b, m, k, n, c);
                break;
        }
    }

    /// <summary>
    /// c0 + A·B in double by the triple loop, reading A as (m, k) or (k, m) and B as (k, n) or (n, k). Also returns
    /// |c0| + Σ|a·b| per element, the scale of the rounding error.
    /// </summary>
    private static double[] Reference<T>(Form form, T[] a, T[] b, int m, int k, int n, T[] c, out double[] scale)
        where T : INumberBase<T>
    {
        double[] result = new double[c.Length];
        scale = new double[c.Length];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = double.CreateChecked(c[i * n + j]);
                double magnitude = Math.Abs(sum);
                for (int p = 0; p < k; p++)
                {
                    double x = double.CreateChecked(form == Form.AtB ? a[p * m + i] : a[i * k + p]);
                    double y = double.CreateChecked(form == Form.ABt ? b[j * k + p] : b[p * n + j]);
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }

                result[i * n + j] = sum;
                scale[i * n + j] = magnitude;
            }
        }

        for (int i = m * n; i < c.Length; i++)
        {
            result[i] = double.CreateChecked(c[i]);
        }

        return result;
    }

    private static T[] Random<T>(int length, int seed) where T : INumberBase<T>
    {
        Random random = new(seed);
        T[] values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
