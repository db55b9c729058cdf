using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LstmSharp.Layers;
using LstmSharp.Model;
using Xunit;

namespace LstmSharp.Tests.Layers;

/// <summary><see cref="Linear{T}"/> on its own: its forward against a plain loop, its backward against central differences per tensor.</summary>
public sealed class LinearTests
{
    private const double Floor = 1e-6;
    private const double DoubleTolerance = 1e-6;

    public sealed record LinearCase(int InputSize, int OutputSize, int Rows, int Seed);

    public static class LinearCases
    {
        /// <summary>in and out 1–40 (every vector body meets a tail), rows 1–5.</summary>
        public static Arbitrary<LinearCase> Cases() =>
            (from inputSize in Gen.Choose(1, 40)
             from outputSize in Gen.Choose(1, 40)
             from rows in Gen.Choose(1, 5)
             from seed in Gen.Choose(0, int.MaxValue)
             select new LinearCase(inputSize, outputSize, rows, seed))
            .ToArbitrary();
    }

    [Property(Arbitrary = [typeof(LinearCases)], MaxTest = 60)]
    public void Forward_RandomShapes_MatchesPlainLoop(LinearCase testCase)
    {
        var linear = new Linear<double>(testCase.InputSize, testCase.OutputSize, seed: (ulong)testCase.Seed);
        double[] input = Uniform(testCase.Rows * testCase.InputSize, testCase.Seed);
        var output = new double[testCase.Rows * testCase.OutputSize];

        linear.Forward(input, testCase.Rows, output);

        for (int row = 0; row < testCase.Rows; row++)
        {
            for (int column = 0; column < testCase.OutputSize; column++)
            {
                double expected = linear.Bias[column];
                for (int k = 0; k < testCase.InputSize; k++)
                {
                    expected += input[row * testCase.InputSize + k] * linear.Weight[column * testCase.InputSize + k];
                }

                Assert.Equal(expected, output[row * testCase.OutputSize + column], 1e-12);
            }
        }
    }

    [Property(Arbitrary = [typeof(LinearCases)], MaxTest = 40)]
    public void Backward_RandomShapes_MatchesCentralDifferencesPerTensor(LinearCase testCase)
    {
        var linear = new Linear<double>(testCase.InputSize, testCase.OutputSize, seed: (ulong)testCase.Seed);
        double[] input = Uniform(testCase.Rows * testCase.InputSize, testCase.Seed + 1);
        double[] weights = Uniform(testCase.Rows * testCase.OutputSize, testCase.Seed + 2);   // L = Σ weights ⊙ output
        var output = new double[weights.Length];
        double Loss()
        {
            linear.Forward(input, testCase.Rows, output);
            return weights.Zip(output, (w, y) => w * y).Sum();
        }

        linear.Gradients.AsSpan().Fill(0.25);   // Backward adds: the analytic side is read as Gradients − 0.25
        var dInput = new double[input.Length];
        linear.Backward(input, weights, testCase.Rows, dInput);

        int weightCount = testCase.OutputSize * testCase.InputSize;
        AssertClose("weight", [.. linear.Gradients.Take(weightCount).Select(value => value - 0.25)], Differentiate(linear.Parameters, 0, weightCount, Loss));
        AssertClose("bias", [.. linear.Gradients.Skip(weightCount).Select(value => value - 0.25)],
            Differentiate(linear.Parameters, weightCount, testCase.OutputSize, Loss));
        AssertClose("input", dInput, Differentiate(input, 0, input.Length, Loss));
    }

    [Fact]
    public void Initialize_PyTorchUniform_BoundedByOneOverSqrtIn_AndSeeded()
    {
        var linear = new Linear<double>(25, 30, Initialization.PyTorchUniform, seed: 5);
        var again = new Linear<double>(25, 30, seed: 5);
        var other = new Linear<double>(25, 30, seed: 6);

        Assert.All(linear.Parameters, value => Assert.InRange(Math.Abs(value), 0, 1.0 / 5));
        Assert.True(linear.Parameters.Max() > 0.18 && linear.Parameters.Min() < -0.18, "U(−1/√in, 1/√in) should reach close to its bounds");
        Assert.Equal(linear.Parameters, again.Parameters);
        Assert.NotEqual(linear.Parameters, other.Parameters);
    }

    [Fact]
    public void Initialize_MinCharRnnNormal_ZeroBiasSmallWeights()
    {
        var linear = new Linear<double>(40, 50, Initialization.MinCharRnnNormal, seed: 1);

        Assert.All(linear.Bias.ToArray(), value => Assert.Equal(0, value));
        double std = Math.Sqrt(linear.Weight.ToArray().Select(value => value * value).Average());
        Assert.InRange(std, 0.0095, 0.0105);
    }

    [Fact]
    public void Initialize_UndefinedScheme_ThrowsNamingInitialization()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Linear<float>(2, 3, (Initialization)17));
        Assert.Equal("initialization", exception.ParamName);
    }

    private static void AssertClose(string name, double[] analytic, double[] numeric)
    {
        for (int index = 0; index < analytic.Length; index++)
        {
            double error = Math.Abs(analytic[index] - numeric[index]) / Math.Max(Math.Max(Math.Abs(analytic[index]), Math.Abs(numeric[index])), Floor);
            Assert.True(error <= DoubleTolerance, $"{name}[{index}]: analytic {analytic[index]:R}, central difference {numeric[index]:R}, error {error:E2}");
        }
    }

    private static double[] Differentiate(double[] buffer, int offset, int count, Func<double> loss) =>
        [.. Enumerable.Range(offset, count).Select(index => CentralDifference.At(buffer, index, loss))];

    private static double[] Uniform(int count, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1)];
    }
}
