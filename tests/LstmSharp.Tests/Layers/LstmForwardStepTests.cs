using System.Numerics;
using System.Numerics.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LstmSharp.Layers;
using Xunit;

namespace LstmSharp.Tests.Layers;

/// <summary>
/// The LSTM's fused pointwise step: in double the same bits as the eight TensorPrimitives calls per stream it replaced
/// (the same formulas over the same exponential); in float TensorPrimitives' formulas over the kernels' own float
/// exponential (Kernels/GateFunctionTests), within a few ulps of the definition; and for every type the same bits for
/// a unit wherever it sits in a slice.
/// </summary>
public sealed class LstmForwardStepTests
{
    public sealed record StepCase(int HiddenSize, int Streams, int UnitStart, int UnitEnd, double Scale, int Seed);

    public static class StepCases
    {
        /// <summary>H 1–70 (whole vectors and tails at every width), a slice of it, pre-activations up to ±12 (saturated gates).</summary>
        public static Arbitrary<StepCase> Cases() =>
            (from hiddenSize in Gen.Choose(1, 70)
             from streams in Gen.Choose(1, 3)
             from start in Gen.Choose(0, hiddenSize - 1)
             from end in Gen.Choose(start + 1, hiddenSize)
             from scale in Gen.Elements(0.5, 3.0, 12.0)
             from seed in Gen.Choose(0, int.MaxValue)
             select new StepCase(hiddenSize, streams, start, end, scale, seed))
            .ToArbitrary();
    }

    [Property(Arbitrary = [typeof(StepCases)], MaxTest = 200)]
    public void ForwardStep_DoubleSlicesOfTwoOrMoreUnits_SameBitsAsTensorPrimitives(StepCase testCase)
    {
        // Below one Vector128 (two doubles) TensorPrimitives falls back to the C runtime's exp; the step keeps the vector one.
        if (testCase.UnitEnd - testCase.UnitStart < 2)
        {
            return;
        }

        Step<double> actual = Step<double>.Random(testCase), expected = actual.Copy();
        actual.Run(testCase.UnitStart, testCase.UnitEnd);
        expected.RunWithTensorPrimitives(testCase.UnitStart, testCase.UnitEnd);
        actual.AssertSameBits(expected, testCase.ToString());
    }

    [Property(Arbitrary = [typeof(StepCases)], MaxTest = 100)]
    public void ForwardStep_UnitAloneOrInASlice_SameBits(StepCase testCase)
    {
        // Whole vectors, the padded tail and a one-unit slice all compute a unit the same way.
        Check<float>(testCase);
        Check<double>(testCase);

        static void Check<T>(StepCase testCase) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Step<T> sliced = Step<T>.Random(testCase), alone = sliced.Copy();
            sliced.Run(testCase.UnitStart, testCase.UnitEnd);
            for (int unit = testCase.UnitStart; unit < testCase.UnitEnd; unit++)
            {
                alone.Run(unit, unit + 1);
            }

            sliced.AssertSameBits(alone, testCase.ToString());
        }
    }

    [Property(Arbitrary = [typeof(StepCases)], MaxTest = 100)]
    public void ForwardStep_RandomSlices_MatchTheDefinition(StepCase testCase)
    {
        // Double: the vector exp is accurate to about one ulp, and c and h add three roundings of their own. Float: the
        // gate functions are within 3 ulps (Kernels/GateFunctionTests), tanh's formula loses up to 2^-22 near 0, and
        // |c| ≤ |c_prev| + 1 carries them on.
        Check<double>(testCase, 1e-14);
        Check<float>(testCase, 2e-6);

        static void Check<T>(StepCase testCase, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Step<T> step = Step<T>.Random(testCase), before = step.Copy();
            step.Run(testCase.UnitStart, testCase.UnitEnd);
            int h = testCase.HiddenSize;
            for (int stream = 0; stream < testCase.Streams; stream++)
            {
                for (int unit = testCase.UnitStart; unit < testCase.UnitEnd; unit++)
                {
                    double Gate(int gate) => double.CreateChecked(before.Gates[stream * 4 * h + gate * h + unit]);
                    double i = Sigmoid(Gate(0)), f = Sigmoid(Gate(1)), g = Math.Tanh(Gate(2)), o = Sigmoid(Gate(3));
                    double remembered = f * double.CreateChecked(before.PreviousCell[stream * h + unit]), c = remembered + i * g;
                    double size = Math.Max(1, Math.Abs(remembered) + Math.Abs(i * g));   // c's error scales with its terms, tanh c's and h's with c's
                    void Close(double expected, T actual, double scale, string name) =>
                        Assert.True(Math.Abs(double.CreateChecked(actual) - expected) <= tolerance * scale,
                            $"{typeof(T).Name} {testCase}: {name} of stream {stream}, unit {unit}: {actual} against {expected:R}");
                    Close(i, step.Gates[stream * 4 * h + unit], 1, "i");
                    Close(f, step.Gates[stream * 4 * h + h + unit], 1, "f");
                    Close(g, step.Gates[stream * 4 * h + 2 * h + unit], 1, "g");
                    Close(o, step.Gates[stream * 4 * h + 3 * h + unit], 1, "o");
                    Close(c, step.Cell[stream * h + unit], size, "c");
                    Close(Math.Tanh(c), step.TanhCell[stream * h + unit], size, "tanh c");
                    Close(o * Math.Tanh(c), step.Hidden[stream * h + unit], size, "h");
                }
            }
        }

        static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    }

    [Fact]
    public void ForwardStep_StreamsOutsideTheSpans_Throws()
    {
        Step<float> step = Step<float>.Random(new StepCase(8, 2, 0, 8, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            LstmCell<float>.ForwardStep(step.Gates, step.PreviousCell, step.Cell, step.TanhCell, step.Hidden, 8, 0, 3, 0, 8));
    }

    /// <summary>One step's buffers for every stream: (B, 4H) gates, (B, H) states.</summary>
    private sealed record Step<T>(T[] Gates, T[] PreviousCell, T[] Cell, T[] TanhCell, T[] Hidden, int HiddenSize, int Streams)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Step<T> Random(StepCase testCase)
        {
            var random = new Random(testCase.Seed);
            int h = testCase.HiddenSize, b = testCase.Streams;
            T Draw() => T.CreateChecked((random.NextDouble() * 2 - 1) * testCase.Scale);
            return new Step<T>([.. Enumerable.Range(0, 4 * b * h).Select(_ => Draw())], [.. Enumerable.Range(0, b * h).Select(_ => Draw())],
                [.. Enumerable.Repeat(T.NaN, b * h)], [.. Enumerable.Repeat(T.NaN, b * h)], [.. Enumerable.Repeat(T.NaN, b * h)], h, b);
        }

        public Step<T> Copy() => new([.. Gates], [.. PreviousCell], [.. Cell], [.. TanhCell], [.. Hidden], HiddenSize, Streams);

        public void Run(int unitStart, int unitEnd) =>
            LstmCell<T>.ForwardStep(Gates, PreviousCell, Cell, TanhCell, Hidden, HiddenSize, 0, Streams, unitStart, unitEnd);

        /// <summary>The step as it was written before the fused pass: TensorPrimitives calls per stream.</summary>
        public void RunWithTensorPrimitives(int unitStart, int unitEnd)
        {
            int h = HiddenSize, units = unitEnd - unitStart;
            for (int stream = 0; stream < Streams; stream++)
            {
                Span<T> row = Gates.AsSpan(stream * 4 * h, 4 * h);
                Span<T> input = row.Slice(unitStart, units), forget = row.Slice(h + unitStart, units);
                Span<T> candidate = row.Slice(2 * h + unitStart, units), output = row.Slice(3 * h + unitStart, units);
                TensorPrimitives.Sigmoid(input, input);
                TensorPrimitives.Sigmoid(forget, forget);
                TensorPrimitives.Tanh(candidate, candidate);
                TensorPrimitives.Sigmoid(output, output);
                int offset = stream * h + unitStart;
                Span<T> next = Cell.AsSpan(offset, units), tanhNext = TanhCell.AsSpan(offset, units);
                TensorPrimitives.Multiply(forget, PreviousCell.AsSpan(offset, units), next);
                TensorPrimitives.MultiplyAdd(input, candidate, next, next);
                TensorPrimitives.Tanh(next, tanhNext);
                TensorPrimitives.Multiply(output, tanhNext, Hidden.AsSpan(offset, units));
            }
        }

        public void AssertSameBits(Step<T> expected, string what)
        {
            foreach ((string name, T[] actualValues, T[] expectedValues) in new[]
                     {
                         ("gates", Gates, expected.Gates), ("cell", Cell, expected.Cell), ("tanh cell", TanhCell, expected.TanhCell),
                         ("hidden", Hidden, expected.Hidden),
                     })
            {
                for (int index = 0; index < actualValues.Length; index++)
                {
                    // NaN equals NaN here: the units outside the slice stay untouched in both.
                    Assert.True(actualValues[index].Equals(expectedValues[index]),
                        $"{typeof(T).Name} {what}: {name}[{index}] {actualValues[index]} against {expectedValues[index]}");
                }
            }
        }
    }
}
