using System.Numerics;
using System.Runtime.InteropServices;
using FsCheck.Xunit;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Training;

/// <summary>
/// Every optimizer against <see cref="ReferenceOptimizer"/> (PyTorch's documented algorithm, scalar double) over ten
/// steps of random gradients and a changing learning rate, plus checkpoint round trips and allocation checks.
/// </summary>
public sealed class OptimizerTests
{
    // Double: the library and the reference differ only in rounding order (Adam's bias corrections are applied
    // differently), a few ulps per step. Measured worst relative error over all cases: 4.4e-16.
    private const double DoubleTolerance = 1e-12;

    // Float: every operation rounds to 24 bits and the hyper-parameters are rounded to float, against a double
    // reference started from the same float values. Errors grow with the steps to a few float ulps of θ (|θ| ≤ ~2).
    // Measured worst over all cases: 3.5e-7 relative (floor 1), so 2e-6 leaves a margin of about six.
    private const double FloatTolerance = 2e-6;

    // Buffer lengths 0 … 101: empty, shorter than a vector, and every tail of 4-, 8- and 16-wide vectors.
    private static readonly int[] Lengths = [0, 1, 3, 8, 17, 64, 101];
    private const int Steps = 10;

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Step_TenRandomStepsInDouble_MatchesPyTorchReference(string name)
    {
        double worst = RunAgainstReference<double>(OptimizerCases.Named(name), Lengths, seed: 17);
        Assert.True(worst <= DoubleTolerance, $"{name}: worst relative error {worst:E3} > {DoubleTolerance:E0}");
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Step_TenRandomStepsInFloat_MatchesPyTorchReference(string name)
    {
        double worst = RunAgainstReference<float>(OptimizerCases.Named(name), Lengths, seed: 23);
        Assert.True(worst <= FloatTolerance, $"{name}: worst relative error {worst:E3} > {FloatTolerance:E0}");
    }

    [Property(Arbitrary = [typeof(OptimizerCases)], MaxTest = 200)]
    public void Step_RandomLengthsInDouble_MatchesPyTorchReference((OptimizerCase Setting, int[] Lengths, int Seed) input)
    {
        double worst = RunAgainstReference<double>(input.Setting, input.Lengths, input.Seed);
        Assert.True(worst <= DoubleTolerance, $"{input.Setting} [{string.Join(", ", input.Lengths)}] seed {input.Seed}: {worst:E3}");
    }

    [Fact]
    public void Step_AdamFirstStep_MovesEveryParameterByExactlyTheLearningRate()
    {
        // t = 1: m̂ = g and v̂ = g², so Δθ = −γ·g/(|g| + ε) = −γ·sign(g) once ε is negligible against |g|.
        const double learningRate = 0.003;
        var random = new Random(5);
        double[] gradients = [.. Enumerable.Range(0, 257).Select(_ => (random.Next(2) * 2 - 1) * Math.Pow(10, random.NextDouble() * 6 - 3))];
        double[] parameters = new double[gradients.Length];
        var adam = new Adam<double>([(parameters, gradients)], epsilon: 1e-300);

        adam.Step(learningRate);

        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.Equal(-Math.Sign(gradients[i]) * learningRate, parameters[i], 1e-14 * learningRate);
        }
    }

    [Fact]
    public void Step_AdamFirstStepDefaultEpsilon_StepIsLearningRateToEightDigits()
    {
        const double learningRate = 1e-3;
        double[] gradients = [0.1, -0.5, 1, -2, 10, -100];
        double[] parameters = [1, 1, 1, 1, 1, 1];
        var adam = new Adam<double>([(parameters, gradients)]);

        adam.Step(learningRate);

        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.Equal(1 - Math.Sign(gradients[i]) * learningRate, parameters[i], 1e-8 * learningRate / 0.1 + 1e-15);
        }
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void State_RestoredIntoFreshOptimizer_ContinuesBitIdentically(string name)
    {
        AssertRoundTrip<double>(OptimizerCases.Named(name));
        AssertRoundTrip<float>(OptimizerCases.Named(name));
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Step_AfterFirstCall_AllocatesNothing(string name)
    {
        Assert.Equal(0, AllocatedBytesOver100Steps<double>(OptimizerCases.Named(name)));
        Assert.Equal(0, AllocatedBytesOver100Steps<float>(OptimizerCases.Named(name)));
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, new string[0])]
    [InlineData(OptimizerKind.Adagrad, new[] { "sum.0", "sum.1" })]
    [InlineData(OptimizerKind.RmsProp, new[] { "square_avg.0", "square_avg.1" })]
    [InlineData(OptimizerKind.Adam, new[] { "exp_avg.0", "exp_avg.1", "exp_avg_sq.0", "exp_avg_sq.1" })]
    [InlineData(OptimizerKind.AdamW, new[] { "exp_avg.0", "exp_avg.1", "exp_avg_sq.0", "exp_avg_sq.1" })]
    public void State_Defaults_UsesPyTorchStateNames(OptimizerKind kind, string[] expected)
    {
        (double[], double[])[] buffers = [(new double[3], new double[3]), (new double[5], new double[5])];
        Optimizer<double> optimizer = Optimizer<double>.Create(kind, buffers);

        Assert.Equal(kind, optimizer.Kind);
        Assert.Equal(expected, optimizer.State.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(optimizer.State, s => Assert.Equal(s.Name.EndsWith(".0", StringComparison.Ordinal) ? 3 : 5, s.Values.Length));
    }

    [Fact]
    public void State_OptionsThatNeedBuffers_AddThem()
    {
        (double[], double[])[] buffers = [(new double[2], new double[2])];

        Assert.Equal(["momentum_buffer.0"], new Sgd<double>(buffers, momentum: 0.9).State.Select(s => s.Name));
        Assert.Equal(["square_avg.0", "momentum_buffer.0", "grad_avg.0"],
            new RmsProp<double>(buffers, momentum: 0.9, centered: true).State.Select(s => s.Name));
        Assert.Equal([0.25, 0.25], new Adagrad<double>(buffers, initialAccumulatorValue: 0.25).State[0].Values);
    }

    [Fact]
    public void State_Values_AreTheLiveArrays()
    {
        double[] parameters = [1, 2];
        double[] gradients = [0.5, -0.5];
        var adam = new Adam<double>([(parameters, gradients)]);
        double[] expAvg = adam.State[0].Values;

        adam.Step(0.1);

        Assert.Same(expAvg, adam.State[0].Values);
        Assert.Equal(0.05, expAvg[0], 1e-15);
        Assert.Equal(-0.05, expAvg[1], 1e-15);
    }

    [Fact]
    public void Create_EachKind_UsesPyTorchDefaults()
    {
        (double[], double[])[] buffers = [(new double[1], new double[1])];

        var sgd = Assert.IsType<Sgd<double>>(Optimizer<double>.Create(OptimizerKind.Sgd, buffers));
        Assert.Equal((0.0, 0.0, 0.0, false), (sgd.Momentum, sgd.Dampening, sgd.WeightDecay, sgd.Nesterov));
        var adagrad = Assert.IsType<Adagrad<double>>(Optimizer<double>.Create(OptimizerKind.Adagrad, buffers));
        Assert.Equal((0.0, 0.0, 0.0, 1e-10), (adagrad.LearningRateDecay, adagrad.WeightDecay, adagrad.InitialAccumulatorValue, adagrad.Epsilon));
        var rmsProp = Assert.IsType<RmsProp<double>>(Optimizer<double>.Create(OptimizerKind.RmsProp, buffers));
        Assert.Equal((0.99, 1e-8, 0.0, 0.0, false), (rmsProp.Alpha, rmsProp.Epsilon, rmsProp.WeightDecay, rmsProp.Momentum, rmsProp.Centered));
        var adam = Assert.IsType<Adam<double>>(Optimizer<double>.Create(OptimizerKind.Adam, buffers));
        Assert.Equal((0.9, 0.999, 1e-8, 0.0), (adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay));
        var adamW = Assert.IsType<AdamW<double>>(Optimizer<double>.Create(OptimizerKind.AdamW, buffers));
        Assert.Equal((0.9, 0.999, 1e-8, 0.01), (adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay));
    }

    [Fact]
    public void StepCount_StepsThenRestore_CountsOnFromTheRestoredValue()
    {
        var sgd = new Sgd<float>([(new float[4], new float[4])]);
        sgd.Step(0.1);
        sgd.Step(0.1);
        Assert.Equal(2, sgd.StepCount);

        sgd.RestoreStepCount(41);
        sgd.Step(0.1);

        Assert.Equal(42, sgd.StepCount);
    }

    [Fact]
    public void Step_ZeroLearningRate_LeavesParametersButAdvancesState()
    {
        double[] parameters = [1, -1];
        var adam = new Adam<double>([(parameters, [0.5, 0.5])]);

        adam.Step(0);

        Assert.Equal([1.0, -1.0], parameters);
        Assert.Equal(1, adam.StepCount);
    }

    public static TheoryData<string, Action> InvalidArguments()
    {
        (double[], double[])[] b = [(new double[2], new double[2])];
        return new()
        {
            { "learningRate", () => new Sgd<double>(b).Step(-0.1) },
            { "learningRate", () => new Adam<double>(b).Step(double.NaN) },
            { "learningRate", () => new Adam<double>(b).Step(double.PositiveInfinity) },
            { "stepCount", () => new Adam<double>(b).RestoreStepCount(-1) },
            { "kind", () => Optimizer<double>.Create((OptimizerKind)99, b) },
            { "momentum", () => _ = new Sgd<double>(b, momentum: -0.1) },
            { "dampening", () => _ = new Sgd<double>(b, momentum: 0.9, dampening: 1.5) },
            { "weightDecay", () => _ = new Sgd<double>(b, weightDecay: -1e-4) },
            { "nesterov", () => _ = new Sgd<double>(b, nesterov: true) },
            { "nesterov", () => _ = new Sgd<double>(b, momentum: 0.9, dampening: 0.1, nesterov: true) },
            { "learningRateDecay", () => _ = new Adagrad<double>(b, learningRateDecay: -1) },
            { "weightDecay", () => _ = new Adagrad<double>(b, weightDecay: double.NaN) },
            { "initialAccumulatorValue", () => _ = new Adagrad<double>(b, initialAccumulatorValue: -0.1) },
            { "epsilon", () => _ = new Adagrad<double>(b, epsilon: 0) },
            { "alpha", () => _ = new RmsProp<double>(b, alpha: 1) },
            { "alpha", () => _ = new RmsProp<double>(b, alpha: -0.01) },
            { "epsilon", () => _ = new RmsProp<double>(b, epsilon: -1e-8) },
            { "weightDecay", () => _ = new RmsProp<double>(b, weightDecay: -1) },
            { "momentum", () => _ = new RmsProp<double>(b, momentum: double.PositiveInfinity) },
            { "beta1", () => _ = new Adam<double>(b, beta1: 1) },
            { "beta1", () => _ = new Adam<double>(b, beta1: -0.1) },
            { "beta2", () => _ = new Adam<double>(b, beta2: 1.0001) },
            { "epsilon", () => _ = new Adam<double>(b, epsilon: 0) },
            { "weightDecay", () => _ = new Adam<double>(b, weightDecay: -0.01) },
            { "beta1", () => _ = new AdamW<double>(b, beta1: double.NaN) },
            { "beta2", () => _ = new AdamW<double>(b, beta2: 1) },
            { "epsilon", () => _ = new AdamW<double>(b, epsilon: double.NaN) },
            { "weightDecay", () => _ = new AdamW<double>(b, weightDecay: -0.01) },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void Constructor_InvalidHyperParameter_ThrowsNamingIt(string parameter, Action action)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(action);
        Assert.Equal(parameter, exception.ParamName);
    }

    [Fact]
    public void Constructor_BadBuffers_ThrowsNamingBuffers()
    {
        Assert.Equal("buffers", Assert.Throws<ArgumentNullException>(() => new Adam<double>(null!)).ParamName);
        Assert.Equal("buffers", Assert.Throws<ArgumentNullException>(() => new Adam<double>([(new double[1], null!)])).ParamName);
        Assert.Equal("buffers", Assert.Throws<ArgumentException>(() => new Adam<double>([(new double[2], new double[3])])).ParamName);
    }

    // Runs the optimizer and the reference side by side; returns the worst |θ − θref| / max(1, |θref|).
    private static double RunAgainstReference<T>(OptimizerCase setting, int[] lengths, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        (T[] Parameters, T[] Gradients)[] buffers = [.. lengths.Select(n => (new T[n], new T[n]))];
        foreach ((T[] parameters, _) in buffers)
        {
            Fill(parameters, random, 1.0);
        }

        int total = lengths.Sum();
        double[] theta = Flatten(buffers, b => b.Parameters);
        var reference = new ReferenceOptimizer(setting, total);
        Optimizer<T> optimizer = setting.Create<T>(buffers);
        double worst = 0;
        for (int step = 0; step < Steps; step++)
        {
            foreach ((_, T[] gradients) in buffers)
            {
                Fill(gradients, random, step % 3 == 2 ? 0.01 : 2.0);   // every third step small: the moments must follow
            }

            double learningRate = setting.LearningRate * (0.5 + random.NextDouble());
            optimizer.Step(learningRate);
            reference.Step(theta, Flatten(buffers, b => b.Gradients), learningRate);
            double[] actual = Flatten(buffers, b => b.Parameters);
            for (int i = 0; i < total; i++)
            {
                double error = Math.Abs(actual[i] - theta[i]) / Math.Max(1, Math.Abs(theta[i]));
                worst = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(worst, error);
            }
        }

        return worst;
    }

    private static void AssertRoundTrip<T>(OptimizerCase setting)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(3);
        (T[] Parameters, T[] Gradients)[] original = [.. Lengths.Select(n => (new T[n], new T[n]))];
        foreach ((T[] parameters, _) in original)
        {
            Fill(parameters, random, 1.0);
        }

        Optimizer<T> first = setting.Create<T>(original);
        var gradientsPerStep = new List<T[][]>();
        for (int step = 0; step < 10; step++)
        {
            gradientsPerStep.Add([.. Lengths.Select(n => { var g = new T[n]; Fill(g, random, 1.0); return g; })]);
        }

        for (int step = 0; step < 5; step++)
        {
            SetGradients(original, gradientsPerStep[step]);
            first.Step(setting.LearningRate);
        }

        (T[] Parameters, T[] Gradients)[] copy = [.. original.Select(b => ((T[])b.Parameters.Clone(), new T[b.Gradients.Length]))];
        Optimizer<T> second = setting.Create<T>(copy);
        Dictionary<string, T[]> saved = first.State.ToDictionary(s => s.Name, s => (T[])s.Values.Clone());
        foreach ((string name, T[] values) in second.State)
        {
            saved[name].CopyTo(values, 0);
        }

        second.RestoreStepCount(first.StepCount);
        for (int step = 5; step < 10; step++)
        {
            SetGradients(original, gradientsPerStep[step]);
            SetGradients(copy, gradientsPerStep[step]);
            first.Step(setting.LearningRate * 0.7);
            second.Step(setting.LearningRate * 0.7);
        }

        Assert.Equal(first.StepCount, second.StepCount);
        for (int index = 0; index < original.Length; index++)
        {
            Assert.True(BitIdentical(original[index].Parameters, copy[index].Parameters), $"{setting} {typeof(T).Name}: buffer {index} differs");
        }

        Assert.Equal(first.State.Select(s => s.Name), second.State.Select(s => s.Name));
        for (int index = 0; index < first.State.Count; index++)
        {
            Assert.True(BitIdentical(first.State[index].Values, second.State[index].Values), $"{setting} {typeof(T).Name}: {first.State[index].Name} differs");
        }
    }

    private static long AllocatedBytesOver100Steps<T>(OptimizerCase setting)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(9);
        (T[] Parameters, T[] Gradients)[] buffers = [.. Lengths.Select(n => (new T[n], new T[n]))];
        foreach ((T[] parameters, T[] gradients) in buffers)
        {
            Fill(parameters, random, 1.0);
            Fill(gradients, random, 1.0);
        }

        Optimizer<T> optimizer = setting.Create<T>(buffers);
        optimizer.Step(setting.LearningRate * 1e-3);   // the first call JIT-compiles

        // Two windows of 100 steps, the smaller count returned: an allocation in every step shows in both, while one-off
        // work of the runtime on this thread (such as a tiered-compilation promotion) shows in one at most. A CI rerun at
        // Vector128 once counted 312 B in the single window this test had; six reruns of it counted 0.
        long first = AllocatedBytes(), second = AllocatedBytes();
        return Math.Min(first, second);

        long AllocatedBytes()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int step = 0; step < 100; step++)
            {
                optimizer.Step(setting.LearningRate * 1e-3);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    private static void SetGradients<T>((T[] Parameters, T[] Gradients)[] buffers, T[][] gradients)
    {
        for (int index = 0; index < buffers.Length; index++)
        {
            gradients[index].CopyTo(buffers[index].Gradients, 0);
        }
    }

    private static void Fill<T>(T[] values, Random random, double scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateChecked((random.NextDouble() * 2 - 1) * scale);
        }
    }

    private static double[] Flatten<T>((T[] Parameters, T[] Gradients)[] buffers, Func<(T[] Parameters, T[] Gradients), T[]> select)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        [.. buffers.SelectMany(b => select(b)).Select(double.CreateChecked)];

    private static bool BitIdentical<T>(T[] left, T[] right)
        where T : unmanaged =>
        MemoryMarshal.AsBytes(left.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(right.AsSpan()));
}
