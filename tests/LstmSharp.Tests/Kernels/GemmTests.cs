using System.Numerics;
using LstmSharp.Kernels;
using Xunit;

namespace LstmSharp.Tests.Kernels;

/// <summary>The GEMM kernels against a plain triple loop, over every small shape and a few large ones.</summary>
[Collection(ProcessWideSettings.Name)]
public class GemmTests
{
    public enum Form
    {
        AB,
        AtB,
        ABt,
    }

    private const int SweepMax = 300;

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

    /// <summary>
    /// Every size from 0 to 300 along each of m, k and n in turn, the other two fixed at sizes with a full tile and a tail
    /// (m = 9: one 8-row tile and a row; n = 37: panels and a ragged edge; k = 17), so every vector body meets every tail and
    /// the cache blocks (96 rows, 256 deep) are crossed.
    /// </summary>
    [Theory]
    [MemberData(nameof(Forms))]
    public void Multiply_EverySizeAlongEachDimension_MatchesReference(Form form)
    {
        for (int size = 0; size <= SweepMax; size++)
        {
            CheckAgainstReference<float>(form, size, 17, 37, seed: size);
            CheckAgainstReference<float>(form, 9, size, 37, seed: size + 1000);
            CheckAgainstReference<float>(form, 9, 17, size, seed: size + 2000);
            CheckAgainstReference<double>(form, size, 5, 13, seed: size + 3000);
            CheckAgainstReference<double>(form, 5, size, 13, seed: size + 4000);
            CheckAgainstReference<double>(form, 5, 5, size, seed: size + 5000);
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
        OnOneAndTwoThreads(() => Multiply<float>(form, a, b, m, k, n, one), () => Multiply<float>(form, a, b, m, k, n, two));
        Assert.Equal(one, two);
    }

    /// <summary>
    /// Shapes whose work splits in two at two threads, one per strategy and split: packed by columns (65×256×1024) and by
    /// rows (200×600×40, A·B), the axpy rows (4×1024×1024, 1×512×2048), the dot grid (A·Bᵀ with up to 256 rows).
    /// </summary>
    public static TheoryData<Form, int, int, int> ParallelShapes
    {
        get
        {
            TheoryData<Form, int, int, int> data = new();
            (int M, int K, int N)[] shapes = [(65, 256, 1024), (200, 600, 40), (4, 1024, 1024), (1, 512, 2048), (32, 256, 1024), (300, 700, 90)];
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
    [MemberData(nameof(ParallelShapes))]
    public void Multiply_ParallelShapes_RunOnTwoThreadsBitIdenticalToOne(Form form, int m, int k, int n)
    {
        float[] a = Random<float>(m * k, 1), b = Random<float>(k * n, 2), c = Random<float>(m * n, 3);
        float[] one = (float[])c.Clone(), two = (float[])c.Clone();
        (int threadsOfOne, int threadsOfTwo) = OnOneAndTwoThreads(
            () => Multiply<float>(form, a, b, m, k, n, one), () => Multiply<float>(form, a, b, m, k, n, two));
        Assert.Equal(1, threadsOfOne);
        Assert.Equal(2, threadsOfTwo);
        Assert.Equal(one, two);
    }

    [Theory]
    [InlineData(3, 100, 400)]
    [InlineData(20, 20, 20)]
    public void Multiply_SmallShape_RunsOnOneThread(int m, int k, int n)
    {
        float[] a = Random<float>(m * k, 1), b = Random<float>(k * n, 2), c = new float[m * n];
        (_, int threads) = OnOneAndTwoThreads(() => { }, () => Gemm.MultiplyAdd<float>(a, b, m, k, n, c));
        Assert.Equal(1, threads);
    }

    [Fact]
    public void Multiply_HugeShapeOneVersusTwoThreads_BitIdentical()
    {
        const int m = 300, k = 700, n = 900;
        double[] a = Random<double>(m * k, 4), b = Random<double>(k * n, 5), c = Random<double>(m * n, 6);
        foreach (Form form in Enum.GetValues<Form>())
        {
            double[] one = (double[])c.Clone(), two = (double[])c.Clone();
            (_, int threads) = OnOneAndTwoThreads(
                () => Multiply<double>(form, a, b, m, k, n, one), () => Multiply<double>(form, a, b, m, k, n, two));
            Assert.Equal(2, threads);
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

    public static TheoryData<bool, int, int, int> PackedShapes
    {
        get
        {
            TheoryData<bool, int, int, int> data = new();
            (int M, int K, int N)[] shapes =
            [
                (32, 256, 1024), (32, 1024, 256), (1, 100, 400), (1, 400, 100), (1, 512, 2048), (3, 100, 400),
                (9, 300, 131), (33, 1024, 257), (64, 512, 2048), (100, 513, 77), (200, 600, 40),
            ];
            foreach (bool transposed in new[] { false, true })
            {
                foreach ((int m, int k, int n) in shapes)
                {
                    data.Add(transposed, m, k, n);
                }
            }

            return data;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiplyAddPacked_AllSmallShapesDouble_MatchesReference(bool transposed)
    {
        PackedMatrix<double> packed = new();
        for (int m = 0; m <= 20; m++)
        {
            for (int n = 0; n <= 70; n += n < 20 ? 1 : 7)
            {
                foreach (int k in s_depths)
                {
                    CheckPackedAgainstReference(packed, transposed, m, k, n, seed: (m * 71 + n) * 41 + k);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiplyAddPacked_AllSmallShapesFloat_MatchesReference(bool transposed)
    {
        PackedMatrix<float> packed = new();
        for (int m = 0; m <= 20; m++)
        {
            for (int n = 0; n <= 70; n += n < 20 ? 1 : 7)
            {
                foreach (int k in s_depths)
                {
                    CheckPackedAgainstReference(packed, transposed, m, k, n, seed: (m * 71 + n) * 41 + k);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(PackedShapes))]
    public void MultiplyAddPacked_LargeShapesFloat_MatchesReference(bool transposed, int m, int k, int n) =>
        CheckPackedAgainstReference(new PackedMatrix<float>(), transposed, m, k, n, seed: m + k + n);

    [Theory]
    [MemberData(nameof(PackedShapes))]
    public void MultiplyAddPacked_OneVersusTwoThreads_BitIdentical(bool transposed, int m, int k, int n)
    {
        float[] a = Random<float>(m * k, 1), b = Random<float>(k * n, 2), c = Random<float>(m * n, 3);
        float[] one = (float[])c.Clone(), two = (float[])c.Clone();
        PackedMatrix<float> packed = Pack(b, transposed, k, n);
        (_, int threads) = OnOneAndTwoThreads(() => Gemm.MultiplyAdd<float>(a, packed, m, one), () => Gemm.MultiplyAdd<float>(a, packed, m, two));
        Assert.Equal(one, two);
        if ((long)m * k * n >= 1L << 21)
        {
            // 2²¹ multiply-adds are two threads' worth, and each of these shapes has at least two tiles to split.
            Assert.Equal(2, threads);
        }
    }

    [Theory]
    [MemberData(nameof(PackedShapes))]
    public void MultiplyAddPacked_LargeShapesDouble_MatchesReference(bool transposed, int m, int k, int n) =>
        CheckPackedAgainstReference(new PackedMatrix<double>(), transposed, m, k, n, seed: m + k + n);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiplyAddPacked_EverySizeAlongEachDimension_MatchesReference(bool transposed)
    {
        PackedMatrix<float> packed = new();
        for (int size = 0; size <= SweepMax; size++)
        {
            CheckPackedAgainstReference(packed, transposed, size, 17, 37, seed: size);
            CheckPackedAgainstReference(packed, transposed, 9, size, 37, seed: size + 1000);
            CheckPackedAgainstReference(packed, transposed, 9, 17, size, seed: size + 2000);
        }
    }

    [Theory]
    [InlineData(9, 300, 131)]
    [InlineData(64, 1024, 256)]
    [InlineData(100, 513, 77)]
    public void MultiplyAddPacked_LargeShapes_BitIdenticalToPackedPath(int m, int k, int n)
    {
        // Both compute c = fma(a[i,p], b[p,j], c) in order of p, so packing B ahead of time cannot change a bit.
        double[] a = Random<double>(m * k, 4), b = Random<double>(k * n, 5), c = Random<double>(m * n, 6);
        double[] expected = (double[])c.Clone();
        Gemm.MultiplyAdd<double>(a, b, m, k, n, expected);
        Gemm.MultiplyAdd<double>(a, Pack(b, transposed: false, k, n), m, c);
        Assert.Equal(expected, c);
    }

    [Theory]
    [InlineData(Form.ABt, 3200, 256, 65)]   // the head: 2 panels and a lone column, A read in place
    [InlineData(Form.ABt, 300, 300, 66)]    // two lone columns, k across a cache block, a ragged last row tile
    [InlineData(Form.AB, 72, 40, 97)]
    [InlineData(Form.ABt, 296, 9, 33)]      // a last row block of one tile: a tile alone after the groups of four
    [InlineData(Form.ABt, 300, 300, 1)]     // n = 1 and 2, and one or two past a 256-bit panel (17, 18): the lone-column
    [InlineData(Form.AB, 300, 261, 2)]      // kernel at every width, not only where a panel is 32 wide
    [InlineData(Form.ABt, 300, 300, 17)]
    [InlineData(Form.AB, 300, 261, 18)]
    public void Multiply_LoneLastColumns_BitIdenticalToTheScalarChain(Form form, int m, int k, int n)
    {
        // On the packed path (A·Bᵀ above 256 rows, A·B above 4) every element is the one chain c = fma(a[i,p], b[p,j], c)
        // in order of p (fused where the CPU fuses), the lone last columns' transposed kernel included.
        float[] a = Random<float>(m * k, 21), b = Random<float>(k * n, 22), c = Random<float>(m * n, 23);
        float[] expected = (float[])c.Clone();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = expected[i * n + j];
                for (int p = 0; p < k; p++)
                {
                    sum = SimdWidth.MultiplyAdd(a[i * k + p], form == Form.ABt ? b[j * k + p] : b[p * n + j], sum);
                }

                expected[i * n + j] = sum;
            }
        }

        Multiply<float>(form, a, b, m, k, n, c);

        Assert.Equal(expected, c);
    }

    [Fact]
    public void MultiplyAddPacked_RowOfManyRows_BitIdenticalToThatRowAlone()
    {
        // Whole row tiles and the leftover rows go through different kernels that must round alike.
        const int m = 13, k = 300, n = 100;
        float[] a = Random<float>(m * k, 7), b = Random<float>(k * n, 8), c = Random<float>(m * n, 9);
        PackedMatrix<float> packed = Pack(b, transposed: true, k, n);
        float[] all = (float[])c.Clone();
        Gemm.MultiplyAdd<float>(a, packed, m, all);
        for (int i = 0; i < m; i++)
        {
            float[] row = c.AsSpan(i * n, n).ToArray();
            Gemm.MultiplyAdd<float>(a.AsSpan(i * k, k), packed, 1, row);
            Assert.Equal(all.AsSpan(i * n, n).ToArray(), row);
        }
    }

    [Fact]
    public void MultiplyAddPacked_HalfScalarPath_MatchesReference()
    {
        const int m = 5, k = 6, n = 19;
        Half[] a = Random<Half>(m * k, 9), b = Random<Half>(k * n, 10), c = Random<Half>(m * n, 11);
        double[] expected = Reference(Form.AB, a, b, m, k, n, c, out double[] scale);
        PackedMatrix<Half> packed = new();
        packed.Pack(b, k, n);
        Gemm.MultiplyAdd<Half>(a, packed, m, c);
        for (int i = 0; i < c.Length; i++)
        {
            Assert.True(Math.Abs((double)c[i] - expected[i]) <= (k + 2) * 1e-3 * scale[i] + 1e-3, $"element {i}");
        }
    }

    [Fact]
    public void MultiplyAddPacked_ShortBuffers_ThrowArgument()
    {
        PackedMatrix<double> packed = new();
        Assert.Throws<ArgumentException>(() => packed.Pack(new double[5], 2, 3));
        Assert.Throws<ArgumentException>(() => packed.PackTransposed(new double[6], -1, 3));
        packed.Pack(new double[6], 2, 3);
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyAdd<double>(new double[3], packed, 2, new double[6]));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyAdd<double>(new double[4], packed, 2, new double[5]));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyAdd<double>(new double[4], packed, -1, new double[6]));
    }

    /// <summary>
    /// Runs <paramref name="onOne"/> with one thread and <paramref name="onTwo"/> with two, each thread of a split call taking
    /// exactly one slice; returns how many threads each call ran on.
    /// </summary>
    private static (int One, int Two) OnOneAndTwoThreads(Action onOne, Action onTwo)
    {
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.OneSlicePerThread = true;
            Gemm.MaxThreads = 1;
            onOne();
            int one = Gemm.LastCallThreads;
            Gemm.MaxThreads = 2;
            onTwo();
            return (one, Gemm.LastCallThreads);
        }
        finally
        {
            Gemm.MaxThreads = saved;
            Gemm.OneSlicePerThread = false;
        }
    }

    private static void CheckPackedAgainstReference<T>(PackedMatrix<T> packed, bool transposed, int m, int k, int n, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] a = Random<T>(m * k, seed), b = Random<T>(k * n, seed + 1), c = Random<T>(m * n, seed + 2);
        double[] expected = Reference(Form.AB, a, b, m, k, n, c, out double[] scale);
        T[] stored = transposed ? Transpose(b, k, n) : b;
        if (transposed)
        {
            packed.PackTransposed(stored, k, n);
        }
        else
        {
            packed.Pack(stored, k, n);
        }

        Gemm.MultiplyAdd<T>(a, packed, m, c);
        double eps = double.CreateChecked(MachineEpsilon<T>());
        for (int i = 0; i < c.Length; i++)
        {
            double actual = double.CreateChecked(c[i]);
            double tolerance = (k + 2) * eps * scale[i];
            Assert.True(Math.Abs(actual - expected[i]) <= tolerance,
                $"packed{(transposed ? " transposed" : "")} m={m} k={k} n={n} element {i}: {actual} vs {expected[i]} (tolerance {tolerance})");
        }
    }

    /// <summary>Packs B (k, n), from its row-major form or from its transpose (n, k).</summary>
    private static PackedMatrix<T> Pack<T>(T[] b, bool transposed, int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        PackedMatrix<T> packed = new();
        if (transposed)
        {
            packed.PackTransposed(Transpose(b, k, n), k, n);
        }
        else
        {
            packed.Pack(b, k, n);
        }

        return packed;
    }

    private static T[] Transpose<T>(T[] matrix, int rows, int columns)
    {
        T[] result = new T[matrix.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int q = 0; q < columns; q++)
            {
                result[q * rows + r] = matrix[r * columns + q];
            }
        }

        return result;
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
