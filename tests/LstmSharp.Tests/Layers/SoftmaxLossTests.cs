using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LstmSharp.Layers;
using Xunit;

namespace LstmSharp.Tests.Layers;

public sealed class SoftmaxLossTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Backward_TargetOutOfRange_ThrowsNamingTargetsAndWritesNothing(int badTarget)
    {
        double[] probabilities = [0.2, 0.3, 0.5, 0.1, 0.1, 0.8];
        double[] dLogits = [7, 7, 7, 7, 7, 7];

        var exception = Assert.Throws<ArgumentException>(() => SoftmaxLoss.Backward<double>(probabilities, [0, badTarget], dLogits));

        Assert.Equal("targets", exception.ParamName);
        Assert.Contains("row 1", exception.Message, StringComparison.Ordinal);
        Assert.All(dLogits, value => Assert.Equal(7, value));
    }

    [Fact]
    public void Forward_TargetOutOfRange_ThrowsNamingTargets()
    {
        double[] logits = [1, 2, 3];

        var exception = Assert.Throws<ArgumentException>(() => SoftmaxLoss.Forward<double>(logits, [3], new double[3]));

        Assert.Equal("targets", exception.ParamName);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void Forward_TargetOutOfRangeInALaterRow_ThrowsBeforeWritingAnyRow(int badTarget)
    {
        double[] logits = [1, 2, 3, 4, 5, 6];
        double[] probabilities = [7, 7, 7, 7, 7, 7];

        var exception = Assert.Throws<ArgumentException>(() => SoftmaxLoss.Forward<double>(logits, [0, badTarget], probabilities));

        Assert.Equal("targets", exception.ParamName);
        Assert.Contains("row 1", exception.Message, StringComparison.Ordinal);
        Assert.All(probabilities, value => Assert.Equal(7, value));
    }

    [Fact]
    public void ForwardAndBackward_NoTargetsOrRaggedRows_ThrowNamingTheSpan()
    {
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => SoftmaxLoss.Forward<double>(new double[5], [0, 1], new double[5])).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => SoftmaxLoss.Forward<double>(new double[4], [], new double[4])).ParamName);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => SoftmaxLoss.Forward<double>(new double[4], [0, 1], new double[3])).ParamName);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => SoftmaxLoss.Backward<double>(new double[5], [0, 1], new double[5])).ParamName);
        Assert.Equal("dLogits", Assert.Throws<ArgumentException>(() => SoftmaxLoss.Backward<double>(new double[4], [0, 1], new double[5])).ParamName);
    }

    public sealed record LossCase(int Rows, int VocabularySize, double Offset, int Seed);

    public static class LossCases
    {
        /// <summary>N 1–6, V 1–70 (vector bodies and tails), logits spread over ±8 around an offset up to ±1000.</summary>
        public static Arbitrary<LossCase> Cases() =>
            (from rows in Gen.Choose(1, 6)
             from vocabularySize in Gen.Choose(1, 70)
             from offset in Gen.Elements(0.0, 30.0, -400.0, 1000.0)
             from seed in Gen.Choose(0, int.MaxValue)
             select new LossCase(rows, vocabularySize, offset, seed))
            .ToArbitrary();
    }

    [Property(Arbitrary = [typeof(LossCases)], MaxTest = 100)]
    public void Forward_RandomLogits_MatchesMaxSubtractedReference(LossCase testCase)
    {
        (double[] logits, int[] targets) = Build(testCase);
        var probabilities = new double[logits.Length];

        double loss = SoftmaxLoss.Forward<double>(logits, targets, probabilities);

        // Reference: log p_j = (z_j − m) − log Σ_k exp(z_k − m), m = max_k z_k, row by row in plain loops.
        int v = testCase.VocabularySize;
        double expectedLoss = 0;
        for (int row = 0; row < testCase.Rows; row++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < v; j++)
            {
                max = Math.Max(max, logits[row * v + j]);
            }

            double sum = 0;
            for (int j = 0; j < v; j++)
            {
                sum += Math.Exp(logits[row * v + j] - max);
            }

            for (int j = 0; j < v; j++)
            {
                Assert.Equal(Math.Exp(logits[row * v + j] - max) / sum, probabilities[row * v + j], 1e-14);
            }

            expectedLoss -= logits[row * v + targets[row]] - max - Math.Log(sum);
        }

        Assert.True(double.IsFinite(loss));
        Assert.Equal(expectedLoss / testCase.Rows, loss, 1e-12);
    }

    // The stencil's round-off is about 110·δ·|L| / 60ε, with δ the loss's own relative error: a log-sum-exp over up to 70
    // terms carries ~V ulps (8e-15), and |L| ≈ log V ≈ 4, so ≈ 2e-11 absolute. A floor of 1e-4 holds gradients below it to
    // 1e-10 absolute (5× that estimate; 1e-6 failed at 2e-12 on a probability of 6e-7) and keeps the check relative, to 1e-6, above it.
    private const double DifferenceFloor = 1e-4;

    [Property(Arbitrary = [typeof(LossCases)], MaxTest = 40)]
    public void Backward_RandomLogits_MatchesCentralDifferencesOfForward(LossCase testCase)
    {
        // Around 0 only: at an offset of 1000 the logits' own rounding (ulp 1e-13) would dominate the differences.
        (double[] logits, int[] targets) = Build(testCase with { Offset = 0 });
        var probabilities = new double[logits.Length];
        SoftmaxLoss.Forward<double>(logits, targets, probabilities);
        var dLogits = new double[logits.Length];
        SoftmaxLoss.Backward<double>(probabilities, targets, dLogits);

        var scratch = new double[logits.Length];
        for (int index = 0; index < logits.Length; index++)
        {
            double numeric = CentralDifference.At(logits, index, () => SoftmaxLoss.Forward<double>(logits, targets, scratch));
            double error = Math.Abs(dLogits[index] - numeric) / Math.Max(Math.Max(Math.Abs(dLogits[index]), Math.Abs(numeric)), DifferenceFloor);
            Assert.True(error <= 1e-6, $"{testCase}: dLogits[{index}] {dLogits[index]:R}, central difference {numeric:R}, error {error:E2}");
        }
    }

    [Fact]
    public void ForwardAndBackward_InPlace_SameAsSeparateBuffers()
    {
        (double[] logits, int[] targets) = Build(new LossCase(3, 11, 5, 9));
        var probabilities = new double[logits.Length];
        double loss = SoftmaxLoss.Forward<double>(logits, targets, probabilities);
        var dLogits = new double[logits.Length];
        SoftmaxLoss.Backward<double>(probabilities, targets, dLogits);

        double[] inPlace = [.. logits];
        double inPlaceLoss = SoftmaxLoss.Forward<double>(inPlace, targets, inPlace);
        Assert.Equal(loss, inPlaceLoss);
        Assert.Equal(probabilities, inPlace);
        SoftmaxLoss.Backward<double>(inPlace, targets, inPlace);
        Assert.Equal(dLogits, inPlace);
    }

    private static (double[] Logits, int[] Targets) Build(LossCase testCase)
    {
        var random = new SeededRandom((ulong)testCase.Seed);
        double[] logits = [.. Enumerable.Range(0, testCase.Rows * testCase.VocabularySize).Select(_ => testCase.Offset + (random.NextDouble() * 2 - 1) * 8)];
        int[] targets = [.. Enumerable.Range(0, testCase.Rows).Select(_ => random.NextInt(testCase.VocabularySize))];
        return (logits, targets);
    }

    [Fact]
    public void Backward_ValidTargets_ProbabilitiesMinusOneHotOverRows()
    {
        double[] probabilities = [0.2, 0.3, 0.5, 0.1, 0.1, 0.8];
        double[] dLogits = new double[6];

        SoftmaxLoss.Backward<double>(probabilities, [2, 0], dLogits);

        Assert.Equal([0.1, 0.15, -0.25, -0.45, 0.05, 0.4], dLogits.Select(value => Math.Round(value, 12)));
    }
}
