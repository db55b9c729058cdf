using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using Xunit;

namespace LstmSharp.Tests.Diagnostics;

public sealed class ConnectivityTests
{
    private const int Vocabulary = 6, Hidden = 4, Length = 7, Target = 2;
    private static readonly int[] Inputs = [0, 3, 5, 1, 1, 4, 2];

    private static CharModel<double> Model(CellType cell, int layers)
    {
        var model = new CharModel<double>(cell, Vocabulary, Hidden, layers);
        model.Initialize(Initialization.PyTorchUniform, 17);
        return model;
    }

    /// <summary>The measure as a plain function of the dense input, by the layers' and head's own forward passes.</summary>
    private static double Measure(CharModel<double> model, double[] oneHot, ConnectivityMeasure measure)
    {
        if (measure == ConnectivityMeasure.Loss)
        {
            return model.Forward(oneHot, [Target], Length, 1, null, new ModelState<double>(model, 1), LossMode.LastStep);
        }

        double[] below = oneHot;
        foreach (RecurrentCell<double> layer in model.Layers)
        {
            var output = new double[Length * Hidden];
            layer.Forward(below, [], [], Length, 1, output, [], []);
            below = output;
        }

        var logits = new double[Vocabulary];
        model.Head.Forward(below.AsSpan((Length - 1) * Hidden, Hidden), 1, logits);
        return logits[Target];
    }

    [Theory]
    [InlineData(CellType.Lstm, 1, ConnectivityMeasure.Loss)]
    [InlineData(CellType.Lstm, 2, ConnectivityMeasure.TargetLogit)]
    [InlineData(CellType.Gru, 2, ConnectivityMeasure.Loss)]
    [InlineData(CellType.Gru, 1, ConnectivityMeasure.TargetLogit)]
    [InlineData(CellType.Rnn, 2, ConnectivityMeasure.Loss)]
    [InlineData(CellType.Rnn, 1, ConnectivityMeasure.TargetLogit)]
    public void Compute_SmallModels_MatchesCentralDifferencesOfThePrediction(CellType cell, int layers, ConnectivityMeasure measure)
    {
        CharModel<double> model = Model(cell, layers);

        ConnectivityMap map = Connectivity.Compute(model, Inputs, Target, measure);

        // Perturb every entry of every position's one-hot vector (as GradientChecker does) and sum the squares per position.
        var oneHot = new double[Length * Vocabulary];
        for (int position = 0; position < Length; position++)
        {
            oneHot[position * Vocabulary + Inputs[position]] = 1;
        }

        const double epsilon = 3e-3;
        for (int position = 0; position < Length; position++)
        {
            double sumOfSquares = 0;
            for (int entry = 0; entry < Vocabulary; entry++)
            {
                int index = position * Vocabulary + entry;
                double original = oneHot[index];
                double At(double shift)
                {
                    oneHot[index] = original + shift;
                    return Measure(model, oneHot, measure);
                }

                double derivative = (At(3 * epsilon) - 9 * At(2 * epsilon) + 45 * At(epsilon) - 45 * At(-epsilon) + 9 * At(-2 * epsilon) - At(-3 * epsilon)) / (60 * epsilon);
                oneHot[index] = original;
                sumOfSquares += derivative * derivative;
            }

            Assert.True(Math.Abs(map.Values[position] - sumOfSquares) <= 1e-7 * Math.Max(sumOfSquares, 1e-6),
                $"position {position}: analytic {map.Values[position]:E6}, numeric {sumOfSquares:E6}");
        }

        Assert.Equal(1.0, map.Normalized.Max());
        Assert.Equal(map.Values[0] / map.Values.Max(), map.Normalized[0], 14);
        Assert.Equal(Measure(model, oneHot, ConnectivityMeasure.Loss), map.Loss, 12);
    }

    [Fact]
    public void Compute_ModelWithGradients_RestoresGradients()
    {
        CharModel<double> model = Model(CellType.Lstm, 2);
        foreach ((double[] _, double[] gradients) in model.ParameterBuffers)
        {
            Array.Fill(gradients, 0.5);
        }

        Connectivity.Compute(model, Inputs, Target, ConnectivityMeasure.TargetLogit);
        Connectivity.Compute(model, Inputs, Target);

        Assert.All(model.ParameterBuffers.SelectMany(buffer => buffer.Gradients), value => Assert.Equal(0.5, value));
    }

    [Fact]
    public void Compute_WindowOfText_ReadsLengthCharactersEndingAtPosition()
    {
        CharModel<double> model = Model(CellType.Rnn, 1);
        int[] text = [5, 0, 3, 5, 1, 1, 4, 2, 2, 0];

        ConnectivityMap map = Connectivity.Compute(model, text, position: 7, length: 4);

        Assert.Equal([1, 1, 4, 2], map.Inputs);
        Assert.Equal(2, map.Target);
        Assert.Throws<ArgumentOutOfRangeException>(() => Connectivity.Compute(model, text, position: 9, length: 4));
    }
}
