using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using LstmSharp.Layers;
using LstmSharp.Model;

namespace LstmSharp.Tests.Layers;

/// <summary>
/// One random case for a cell used alone: its type and sizes, dense or id input, and a seed for parameters, input,
/// initial states and the loss weights.
/// </summary>
public sealed record CellCase(CellType Cell, int InputSize, int HiddenSize, int SequenceLength, int BatchSize, bool IdInput, int Seed)
{
    /// <summary>A cell with PyTorch's initialisation scaled by 2 (so the gates leave their linear region), built as a user builds one.</summary>
    public RecurrentCell<T> CreateCell<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RecurrentCell<T> cell = Cell switch
        {
            CellType.Lstm => new LstmCell<T>(InputSize, HiddenSize, Initialization.PyTorchUniform, (ulong)Seed),
            CellType.Gru => new GruCell<T>(InputSize, HiddenSize, Initialization.PyTorchUniform, (ulong)Seed),
            _ => new RnnCell<T>(InputSize, HiddenSize, Initialization.PyTorchUniform, (ulong)Seed),
        };
        Span<T> parameters = cell.Parameters;
        for (int index = 0; index < parameters.Length; index++)
        {
            parameters[index] *= T.CreateChecked(2);
        }

        return cell;
    }

    /// <summary>
    /// The window's data in double: input (ids or dense), h0, c0 from U(−0.8, 0.8), and the loss weights that make
    /// <c>L = Σ wOutput·output + Σ wHidden·hN + Σ wCell·cN</c>, so that dOutput, dhN and dcN are all non-zero. Each weight is
    /// U(−1, 1)/N over its N terms, which keeps |L| ≤ 3 and with it the finite differences' round-off.
    /// </summary>
    public CellWindow Window()
    {
        var random = new SeededRandom((ulong)Seed ^ 0x9E3779B97F4A7C15);
        int rows = SequenceLength * BatchSize, width = BatchSize * HiddenSize;
        double[] Uniform(int count, double bound) => [.. Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2 - 1) * bound)];
        int[] ids = IdInput ? [.. Enumerable.Range(0, rows).Select(_ => random.NextInt(InputSize))] : [];
        double[] input = IdInput ? OneHot(ids) : Uniform(rows * InputSize, 1.0);
        bool lstm = Cell == CellType.Lstm;
        return new CellWindow(ids, input, Uniform(width, 0.8), lstm ? Uniform(width, 0.8) : [],
            Uniform(rows * HiddenSize, 1.0 / (rows * HiddenSize)), Uniform(width, 1.0 / width), lstm ? Uniform(width, 1.0 / width) : []);
    }

    private double[] OneHot(int[] ids)
    {
        var oneHot = new double[ids.Length * InputSize];
        for (int row = 0; row < ids.Length; row++)
        {
            oneHot[row * InputSize + ids[row]] = 1.0;
        }

        return oneHot;
    }
}

/// <summary>A window for one cell: the input (ids, and always its dense form), h0, c0, and the loss weights (= dOutput, dhN, dcN).</summary>
public sealed record CellWindow(int[] Ids, double[] Input, double[] H0, double[] C0, double[] WeightOutput, double[] WeightHidden, double[] WeightCell);

/// <summary>FsCheck generators for cells used alone: H up to 40, so every vector body (4 doubles, 8 or 16 floats) meets a scalar tail.</summary>
public static class CellCases
{
    /// <summary>Every cell, I 1–12, H 1–40, T 1–4, B 1–3, dense or id input.</summary>
    public static Arbitrary<CellCase> Cases() =>
        (from cell in Gen.Elements(CellType.Lstm, CellType.Gru, CellType.Rnn)
         from inputSize in Gen.Choose(1, 12)
         from hiddenSize in Gen.Choose(1, 40)
         from sequenceLength in Gen.Choose(1, 4)
         from batchSize in Gen.Choose(1, 3)
         from idInput in Gen.Elements(false, true)
         from seed in Gen.Choose(0, int.MaxValue)
         select new CellCase(cell, inputSize, hiddenSize, sequenceLength, batchSize, idInput, seed))
        .ToArbitrary();
}
