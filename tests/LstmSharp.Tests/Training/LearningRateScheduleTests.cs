using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Training;

/// <summary>Each schedule at chosen steps and epochs, and its argument validation.</summary>
public sealed class LearningRateScheduleTests
{
    private const double Tolerance = 1e-15;

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(1_000_000L, 50)]
    public void LearningRateAt_ConstantAnyStep_ReturnsTheRate(long step, int epoch) =>
        Assert.Equal(0.002, new ConstantSchedule(0.002).LearningRateAt(step, epoch));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(9, 0)]     // char-rnn: no decay before the end of epoch 10
    [InlineData(10, 1)]    // the end of the 10th epoch decays once
    [InlineData(11, 2)]
    [InlineData(20, 11)]
    public void StepDecay_CharRnnDefaults_DecaysEveryEpochFromTheTenth(int epoch, int decays)
    {
        var schedule = new StepDecaySchedule(2e-3, 0.97, decayEveryEpochs: 1, startEpoch: 10);

        Assert.Equal(decays, schedule.DecayCount(epoch));
        Assert.Equal(2e-3 * Math.Pow(0.97, decays), schedule.LearningRateAt(12345, epoch), Tolerance);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    public void StepDecay_EveryThreeFromStart_MatchesStepLR(int epoch, int decays) =>
        Assert.Equal(0.1 * Math.Pow(0.5, decays), new StepDecaySchedule(0.1, 0.5, 3).LearningRateAt(0, epoch), Tolerance);

    [Theory]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    [InlineData(6, 1)]
    [InlineData(7, 2)]
    [InlineData(9, 3)]
    public void StepDecay_EveryTwoAfterFive_DecaysAtFiveSevenNine(int epoch, int decays) =>
        Assert.Equal(decays, new StepDecaySchedule(1, 0.9, decayEveryEpochs: 2, startEpoch: 5).DecayCount(epoch));

    [Fact]
    public void Exponential_ChosenSteps_IsGammaToTheStep()
    {
        var schedule = new ExponentialSchedule(0.01, 0.999);

        Assert.Equal(0.01, schedule.LearningRateAt(0, 0));
        Assert.Equal(0.01 * 0.999, schedule.LearningRateAt(1, 0), Tolerance);
        Assert.Equal(0.01 * Math.Pow(0.999, 1000), schedule.LearningRateAt(1000, 3), Tolerance);
    }

    [Fact]
    public void Cosine_WithoutWarmup_FallsFromPeakToFloor()
    {
        var schedule = new CosineSchedule(0.1, totalSteps: 100, minLearningRate: 0.01);

        Assert.Equal(0.1, schedule.LearningRateAt(0, 0), Tolerance);
        Assert.Equal(0.01 + 0.045 * (1 + Math.Cos(Math.PI / 4)), schedule.LearningRateAt(25, 0), Tolerance);
        Assert.Equal(0.055, schedule.LearningRateAt(50, 0), Tolerance);
        Assert.Equal(0.01, schedule.LearningRateAt(100, 0), Tolerance);
        Assert.Equal(0.01, schedule.LearningRateAt(10_000, 9));
    }

    [Fact]
    public void Cosine_WithWarmup_RisesLinearlyThenAnneals()
    {
        var schedule = new CosineSchedule(1.0, totalSteps: 110, warmupSteps: 10);

        Assert.Equal(0.1, schedule.LearningRateAt(0, 0), Tolerance);
        Assert.Equal(0.5, schedule.LearningRateAt(4, 0), Tolerance);
        Assert.Equal(1.0, schedule.LearningRateAt(9, 0), Tolerance);
        Assert.Equal(1.0, schedule.LearningRateAt(10, 0), Tolerance);
        Assert.Equal(0.5, schedule.LearningRateAt(60, 0), Tolerance);
        Assert.Equal(0.0, schedule.LearningRateAt(110, 0), Tolerance);
    }

    [Fact]
    public void Cosine_EveryStep_StaysWithinFloorAndPeakAndNeverRisesAfterWarmup()
    {
        var schedule = new CosineSchedule(0.3, totalSteps: 500, minLearningRate: 0.05, warmupSteps: 37);
        double previous = double.PositiveInfinity;
        for (long step = 37; step < 600; step++)
        {
            double rate = schedule.LearningRateAt(step, 0);
            Assert.InRange(rate, 0.05, 0.3);
            Assert.True(rate <= previous);
            previous = rate;
        }
    }

    public static TheoryData<string, Action> InvalidArguments() => new()
    {
        { "step", () => new ConstantSchedule(0.1).LearningRateAt(-1, 0) },
        { "epoch", () => new ConstantSchedule(0.1).LearningRateAt(0, -1) },
        { "learningRate", () => _ = new ConstantSchedule(-0.1) },
        { "learningRate", () => _ = new ConstantSchedule(double.NaN) },
        { "learningRate", () => _ = new StepDecaySchedule(-1, 0.97, 1) },
        { "decayFactor", () => _ = new StepDecaySchedule(0.1, 0, 1) },
        { "decayFactor", () => _ = new StepDecaySchedule(0.1, 1.5, 1) },
        { "decayEveryEpochs", () => _ = new StepDecaySchedule(0.1, 0.97, 0) },
        { "startEpoch", () => _ = new StepDecaySchedule(0.1, 0.97, 1, -1) },
        { "epoch", () => new StepDecaySchedule(0.1, 0.97, 1).DecayCount(-1) },
        { "learningRate", () => _ = new ExponentialSchedule(double.PositiveInfinity, 0.9) },
        { "gammaPerStep", () => _ = new ExponentialSchedule(0.1, 0) },
        { "gammaPerStep", () => _ = new ExponentialSchedule(0.1, 1.01) },
        { "learningRate", () => _ = new CosineSchedule(-0.1, 100) },
        { "totalSteps", () => _ = new CosineSchedule(0.1, 0) },
        { "minLearningRate", () => _ = new CosineSchedule(0.1, 100, minLearningRate: -0.01) },
        { "minLearningRate", () => _ = new CosineSchedule(0.1, 100, minLearningRate: 0.2) },
        { "warmupSteps", () => _ = new CosineSchedule(0.1, 100, warmupSteps: -1) },
        { "warmupSteps", () => _ = new CosineSchedule(0.1, 100, warmupSteps: 100) },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void Constructor_InvalidArgument_ThrowsNamingIt(string parameter, Action action) =>
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(action).ParamName);
}
