using Xunit;

namespace LstmSharp.Tests;

public sealed class SeededRandomTests
{
    [Fact]
    public void NextUInt64_SameSeed_SameSequence_OtherSeed_OtherSequence()
    {
        ulong[] Draw(ulong seed)
        {
            var random = new SeededRandom(seed);
            return [.. Enumerable.Range(0, 16).Select(_ => random.NextUInt64())];
        }

        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));
    }

    [Fact]
    public void Reseed_MidSequence_RestartsExactlyLikeANewGenerator()
    {
        var reused = new SeededRandom(1);
        reused.NextUInt64();
        reused.Reseed(7);
        var fresh = new SeededRandom(7);

        Assert.Equal(Enumerable.Range(0, 8).Select(_ => fresh.NextUInt64()), Enumerable.Range(0, 8).Select(_ => reused.NextUInt64()));
    }

    [Fact]
    public void NextUInt64_IntoSpan_EqualsOneDrawAtATimeAndContinuesTheSequence()
    {
        var single = new SeededRandom(11);
        var bulk = new SeededRandom(11);
        ulong[] expected = [.. Enumerable.Range(0, 1500).Select(_ => single.NextUInt64())];
        ulong[] actual = new ulong[1500];
        bulk.NextUInt64(actual.AsSpan(0, 1000));
        bulk.NextUInt64(actual.AsSpan(1000, 3));
        bulk.NextUInt64(actual.AsSpan(1003));

        Assert.Equal(expected, actual);
        Assert.Equal(single.NextUInt64(), bulk.NextUInt64());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    [InlineData(1.0 / 3.0)]
    public void DropoutMask_EqualsNextDoubleBelowRateElementByElement(double rate)
    {
        var reference = new SeededRandom(5);
        float keep = 1f / (float)(1.0 - rate);
        float[] expected = [.. Enumerable.Range(0, 5000).Select(_ => reference.NextDouble() < rate ? 0f : keep)];
        float[] mask = new float[5000];
        Model.CharModel<float>.DrawMask(new SeededRandom(5), rate, mask);

        Assert.Equal(expected, mask);
    }

    [Fact]
    public void NextDouble_ManyDraws_InUnitIntervalWithMeanOneHalf()
    {
        var random = new SeededRandom(3);
        double[] draws = [.. Enumerable.Range(0, 100_000).Select(_ => random.NextDouble())];

        Assert.All(draws, value => Assert.InRange(value, 0.0, 0.9999999999999999));
        Assert.InRange(draws.Average(), 0.497, 0.503);
    }

    [Fact]
    public void NextInt_SmallBound_EveryValueAboutEquallyOften()
    {
        var random = new SeededRandom(5);
        var counts = new int[7];
        for (int draw = 0; draw < 70_000; draw++)
        {
            counts[random.NextInt(7)]++;
        }

        // 10,000 expected each; 5 standard deviations is ±470.
        Assert.All(counts, count => Assert.InRange(count, 9_530, 10_470));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(0));
    }

    [Fact]
    public void NextNormal_ManyDraws_MeanZeroVarianceOne()
    {
        var random = new SeededRandom(9);
        double[] draws = [.. Enumerable.Range(0, 100_000).Select(_ => random.NextNormal())];
        double mean = draws.Average();
        double variance = draws.Select(value => (value - mean) * (value - mean)).Average();

        Assert.InRange(mean, -0.015, 0.015);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.All(draws, value => Assert.True(double.IsFinite(value)));
    }
}
