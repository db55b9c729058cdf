using FsCheck;
using FsCheck.Fluent;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Tests.Layers;

/// <summary>One random gradient-check case: a shape, a cell, a loss mode and a seed for parameters, ids and states.</summary>
public sealed record GradientCase(CellType Cell, LossMode LossMode, int VocabularySize, int HiddenSize, int SequenceLength, int BatchSize, int LayerCount, int Seed, double DropoutRate = 0)
{
    /// <summary>Builds the model with random parameters (wider than any initializer, to exercise the non-linearities) and a window with a random initial state.</summary>
    internal (CharModel<T> Model, GradientCheckWindow Window) Build<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new SeededRandom((ulong)Seed);
        var model = new CharModel<T>(Cell, VocabularySize, HiddenSize, LayerCount);
        foreach (ModelTensor<T> tensor in model.Tensors)
        {
            Span<T> values = tensor.Values;
            for (int index = 0; index < values.Length; index++)
            {
                values[index] = T.CreateChecked(random.NextDouble() * 1.6 - 0.8);
            }
        }

        int rows = SequenceLength * BatchSize;
        int[] inputs = [.. Enumerable.Range(0, rows).Select(_ => random.NextInt(VocabularySize))];
        int[] targets = [.. Enumerable.Range(0, LossMode == LossMode.EveryStep ? rows : BatchSize).Select(_ => random.NextInt(VocabularySize))];
        double[] State() => [.. Enumerable.Range(0, BatchSize * HiddenSize).Select(_ => random.NextDouble() * 1.6 - 0.8)];
        double[][] hidden = [.. Enumerable.Range(0, LayerCount).Select(_ => State())];
        double[][] cell = [.. Enumerable.Range(0, LayerCount).Select(_ => Cell == CellType.Lstm ? State() : [])];
        Dropout? dropout = DropoutRate > 0 ? new Dropout(DropoutRate, (ulong)Seed) : null;
        return (model, new GradientCheckWindow(inputs, targets, SequenceLength, BatchSize, LossMode, hidden, cell, dropout));
    }

    /// <summary>Copies every parameter of <paramref name="source"/> into a double model of the same shape.</summary>
    public static CharModel<double> ToDouble(CharModel<float> source)
    {
        var target = new CharModel<double>(source.CellType, source.VocabularySize, source.HiddenSize, source.Layers.Count);
        for (int tensor = 0; tensor < source.Tensors.Count; tensor++)
        {
            Span<float> from = source.Tensors[tensor].Values;
            Span<double> to = target.Tensors[tensor].Values;
            for (int index = 0; index < from.Length; index++)
            {
                to[index] = from[index];
            }
        }

        return target;
    }
}

/// <summary>FsCheck generators for gradient-check cases, over the shapes the foundation issue names.</summary>
public static class GradientCases
{
    /// <summary>Input/vocabulary 1–8, hidden 1–8, T 1–6, B 1–3, layers 1–2, every cell and loss mode; a third of the cases with dropout 0.3 between layers.</summary>
    public static Arbitrary<GradientCase> Cases() =>
        (from cell in Gen.Elements(CellType.Lstm, CellType.Gru, CellType.Rnn)
         from lossMode in Gen.Elements(LossMode.EveryStep, LossMode.LastStep)
         from vocabularySize in Gen.Choose(1, 8)
         from hiddenSize in Gen.Choose(1, 8)
         from sequenceLength in Gen.Choose(1, 6)
         from batchSize in Gen.Choose(1, 3)
         from layerCount in Gen.Choose(1, 2)
         from seed in Gen.Choose(0, int.MaxValue)
         from dropoutRate in Gen.Elements(0.0, 0.0, 0.3)
         select new GradientCase(cell, lossMode, vocabularySize, hiddenSize, sequenceLength, batchSize, layerCount, seed, dropoutRate))
        .ToArbitrary();
}
