using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using LstmSharp.Training;
using Xunit;

namespace LstmSharp.Tests.Training;

/// <summary>One optimizer with one set of hyper-parameters (PyTorch's defaults unless named) and a base learning rate.</summary>
public sealed record OptimizerCase(string Name, OptimizerKind Kind, double LearningRate)
{
    public double Momentum { get; init; }
    public double Dampening { get; init; }
    public double WeightDecay { get; init; }
    public bool Nesterov { get; init; }
    public double LearningRateDecay { get; init; }
    public double InitialAccumulatorValue { get; init; }
    public double Epsilon { get; init; } = double.NaN;
    public double Alpha { get; init; } = 0.99;
    public bool Centered { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε with each optimizer's PyTorch default when not set.</summary>
    public OptimizerCase WithDefaults() => double.IsNaN(Epsilon)
        ? this with { Epsilon = Kind == OptimizerKind.Adagrad ? 1e-10 : 1e-8, WeightDecay = Kind == OptimizerKind.AdamW && WeightDecay == 0 ? 0.01 : WeightDecay }
        : this;

    public Optimizer<T> Create<T>(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers)
        where T : unmanaged, IFloatingPointIeee754<T> => Kind switch
    {
        OptimizerKind.Sgd => new Sgd<T>(buffers, Momentum, Dampening, WeightDecay, Nesterov),
        OptimizerKind.Adagrad => new Adagrad<T>(buffers, LearningRateDecay, WeightDecay, InitialAccumulatorValue, Epsilon),
        OptimizerKind.RmsProp => new RmsProp<T>(buffers, Alpha, Epsilon, WeightDecay, Momentum, Centered),
        OptimizerKind.Adam => new Adam<T>(buffers, Beta1, Beta2, Epsilon, WeightDecay),
        _ => new AdamW<T>(buffers, Beta1, Beta2, Epsilon, WeightDecay),
    };

    public override string ToString() => Name;
}

/// <summary>The settings every optimizer test runs over: each optimizer's defaults and the branches its options open.</summary>
public static class OptimizerCases
{
    public static readonly IReadOnlyList<OptimizerCase> All =
    [
        .. new OptimizerCase[]
        {
            new("Sgd", OptimizerKind.Sgd, 0.1),
            new("SgdMomentum", OptimizerKind.Sgd, 0.05) { Momentum = 0.9 },
            new("SgdMomentumDampeningDecay", OptimizerKind.Sgd, 0.05) { Momentum = 0.8, Dampening = 0.1, WeightDecay = 0.01 },
            new("SgdNesterovDecay", OptimizerKind.Sgd, 0.05) { Momentum = 0.9, Nesterov = true, WeightDecay = 1e-3 },
            new("Adagrad", OptimizerKind.Adagrad, 0.01),
            new("AdagradDecayAccumulator", OptimizerKind.Adagrad, 0.1) { LearningRateDecay = 0.1, WeightDecay = 0.01, InitialAccumulatorValue = 0.1, Epsilon = 1e-6 },
            new("RmsProp", OptimizerKind.RmsProp, 0.01),
            new("RmsPropCentered", OptimizerKind.RmsProp, 0.01) { Centered = true },
            new("RmsPropMomentumDecay", OptimizerKind.RmsProp, 0.01) { Momentum = 0.9, WeightDecay = 0.01 },
            new("RmsPropCenteredMomentumAlpha", OptimizerKind.RmsProp, 0.002) { Centered = true, Momentum = 0.5, Alpha = 0.9, Epsilon = 1e-6 },
            new("Adam", OptimizerKind.Adam, 0.01),
            new("AdamL2", OptimizerKind.Adam, 0.01) { WeightDecay = 0.01 },
            new("AdamBetas", OptimizerKind.Adam, 0.002) { Beta1 = 0.5, Beta2 = 0.9, Epsilon = 1e-6 },
            new("AdamW", OptimizerKind.AdamW, 0.01),
            new("AdamWStrongDecay", OptimizerKind.AdamW, 0.01) { WeightDecay = 0.1, Beta1 = 0.8 },
        }.Select(c => c.WithDefaults()),
    ];

    public static OptimizerCase Named(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names() => [.. All.Select(c => c.Name)];

    /// <summary>FsCheck: a setting, buffer lengths 0–300 (every SIMD tail) and a seed.</summary>
    public static Arbitrary<(OptimizerCase Setting, int[] Lengths, int Seed)> WithShapes() =>
        (from setting in Gen.Elements(All.ToArray())
         from count in Gen.Choose(1, 4)
         from lengths in Gen.ArrayOf(Gen.Choose(0, 300), count)
         from seed in Gen.Choose(0, int.MaxValue)
         select (setting, lengths, seed))
        .ToArbitrary();
}
