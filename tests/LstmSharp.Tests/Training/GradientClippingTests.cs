using System.Numerics;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Training;

/// <summary>clip_grad_norm_ and clip_grad_value_ semantics over several buffers, in double and float.</summary>
public sealed class GradientClippingTests
{
    [Fact]
    public void GlobalNorm_RandomBuffersInDouble_MatchesDirectComputation()
    {
        (double[], double[])[] buffers = RandomBuffers<double>(seed: 1, scale: 3);

        Assert.Equal(DirectNorm(buffers), GradientClipping.GlobalNorm(buffers), 1e-14 * DirectNorm(buffers));
    }

    [Fact]
    public void GlobalNorm_EveryLengthInFloat_MatchesDirectDoubleComputation()
    {
        // Lengths 0 … 70 hit every tail of the widened float loop; float squares are exact in double.
        for (int length = 0; length <= 70; length++)
        {
            (float[], float[])[] buffers = [(new float[length], RandomArray<float>(new Random(length), length, 5)), (new float[3], [1e-3f, -2f, 3e4f])];
            double expected = DirectNorm(buffers);

            Assert.Equal(expected, GradientClipping.GlobalNorm(buffers), 1e-14 * expected);
        }
    }

    [Fact]
    public void GlobalNorm_Reading_ChangesNothing()
    {
        (double[], double[])[] buffers = RandomBuffers<double>(seed: 2, scale: 1);
        double[][] before = [.. buffers.Select(b => (double[])b.Item2.Clone())];

        GradientClipping.GlobalNorm(buffers);

        Assert.Equal(before, buffers.Select(b => b.Item2));
    }

    [Fact]
    public void ClipByGlobalNorm_AboveMaxInDouble_ScalesToMaxNormAndReturnsNormBefore()
    {
        (double[], double[])[] buffers = RandomBuffers<double>(seed: 3, scale: 10);
        double before = DirectNorm(buffers);
        double[][] original = [.. buffers.Select(b => (double[])b.Item2.Clone())];
        const double maxNorm = 5;

        double returned = GradientClipping.ClipByGlobalNorm(buffers, maxNorm);

        Assert.True(before > maxNorm);
        Assert.Equal(before, returned, 1e-14 * before);
        Assert.Equal(maxNorm, DirectNorm(buffers), 1e-6 * maxNorm);
        double scale = maxNorm / (before + 1e-6);
        for (int b = 0; b < buffers.Length; b++)
        {
            for (int i = 0; i < original[b].Length; i++)
            {
                Assert.Equal(original[b][i] * scale, buffers[b].Item2[i], 1e-15 * Math.Abs(original[b][i]));
            }
        }
    }

    [Fact]
    public void ClipByGlobalNorm_AboveMaxInFloat_ScalesToMaxNorm()
    {
        (float[], float[])[] buffers = RandomBuffers<float>(seed: 4, scale: 10);
        const double maxNorm = 1;

        double returned = GradientClipping.ClipByGlobalNorm(buffers, maxNorm);

        Assert.True(returned > maxNorm);
        Assert.Equal(maxNorm, DirectNorm(buffers), 1e-6 * maxNorm);
    }

    [Fact]
    public void ClipByGlobalNorm_BelowMax_LeavesGradientsUntouched()
    {
        (double[], double[])[] buffers = RandomBuffers<double>(seed: 5, scale: 0.01);
        double[][] original = [.. buffers.Select(b => (double[])b.Item2.Clone())];

        double returned = GradientClipping.ClipByGlobalNorm(buffers, 5);

        Assert.Equal(DirectNorm(buffers), returned, 1e-15);
        Assert.Equal(original, buffers.Select(b => b.Item2));
    }

    [Fact]
    public void ClipByGlobalNorm_NaNGradient_ReturnsNaN()
    {
        (float[], float[])[] buffers = RandomBuffers<float>(seed: 6, scale: 1);
        buffers[2].Item2[5] = float.NaN;

        Assert.True(double.IsNaN(GradientClipping.ClipByGlobalNorm(buffers, 1)));
    }

    [Fact]
    public void ClipByGlobalNorm_InfiniteGradient_ReturnsInfinity()
    {
        (double[], double[])[] buffers = RandomBuffers<double>(seed: 7, scale: 1);
        buffers[3].Item2[17] = double.NegativeInfinity;

        Assert.Equal(double.PositiveInfinity, GradientClipping.ClipByGlobalNorm(buffers, 1));
    }

    [Fact]
    public void ClipByValue_RandomGradients_ClampsEveryElement()
    {
        (double[], double[])[] buffers = RandomBuffers<double>(seed: 8, scale: 4);
        double[][] original = [.. buffers.Select(b => (double[])b.Item2.Clone())];

        GradientClipping.ClipByValue(buffers, 1.5);

        for (int b = 0; b < buffers.Length; b++)
        {
            Assert.Equal(original[b].Select(g => Math.Clamp(g, -1.5, 1.5)), buffers[b].Item2);
        }

        Assert.Contains(buffers.SelectMany(b => b.Item2), g => g == 1.5);
        Assert.Contains(buffers.SelectMany(b => b.Item2), g => g == -1.5);
    }

    [Fact]
    public void ClipByValue_NaNGradient_StaysNaN()
    {
        (float[], float[])[] buffers = [(new float[3], [float.NaN, 7f, -0.5f])];

        GradientClipping.ClipByValue(buffers, 1);

        Assert.True(float.IsNaN(buffers[0].Item2[0]));
        Assert.Equal([1f, -0.5f], buffers[0].Item2[1..]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Clip_NonPositiveLimit_ThrowsNamingIt(double limit)
    {
        (double[], double[])[] buffers = [(new double[1], new double[1])];

        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(buffers, limit)).ParamName);
        Assert.Equal("clipValue", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(buffers, limit)).ParamName);
    }

    [Fact]
    public void Clip_NullBuffers_ThrowsNamingBuffers()
    {
        Assert.Equal("buffers", Assert.Throws<ArgumentNullException>(() => GradientClipping.GlobalNorm<double>(null!)).ParamName);
        Assert.Equal("buffers", Assert.Throws<ArgumentNullException>(() => GradientClipping.ClipByGlobalNorm<float>(null!, 1)).ParamName);
        Assert.Equal("buffers", Assert.Throws<ArgumentNullException>(() => GradientClipping.ClipByValue<float>(null!, 1)).ParamName);
    }

    private static double DirectNorm<T>((T[], T[])[] buffers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach ((_, T[] gradients) in buffers)
        {
            foreach (T g in gradients)
            {
                sum += double.CreateChecked(g) * double.CreateChecked(g);
            }
        }

        return Math.Sqrt(sum);
    }

    private static (T[], T[])[] RandomBuffers<T>(int seed, double scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        return [.. new[] { 0, 5, 33, 100 }.Select(n => (new T[n], RandomArray<T>(random, n, scale)))];
    }

    private static T[] RandomArray<T>(Random random, int length, double scale)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        [.. Enumerable.Range(0, length).Select(_ => T.CreateChecked((random.NextDouble() * 2 - 1) * scale))];
}
