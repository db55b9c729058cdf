using LstmSharp.Interop;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace LstmSharp.Interop.Tests;

/// <summary>Export → ONNX Runtime (an independent engine) → the same logits and final states as <see cref="CharModel{T}.Predict"/>.</summary>
public sealed class OnnxExporterTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<CellType, int, int> Shapes()
    {
        var data = new TheoryData<CellType, int, int>();
        foreach (CellType cell in Enum.GetValues<CellType>())
        {
            for (int layers = 1; layers <= 3; layers++)
            {
                foreach (int length in new[] { 1, 7, 50 })
                {
                    data.Add(cell, layers, length);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Export_RandomModel_OnnxRuntimeMatchesPredict(CellType cell, int layers, int sequenceLength)
    {
        const int vocabularySize = 11, hiddenSize = 9, batchSize = 3;
        ulong seed = (ulong)(((int)cell * 10 + layers) * 100 + sequenceLength);
        var model = new CharModel<float>(cell, vocabularySize, hiddenSize, layers);
        RandomModels.Fill(model, seed);

        var random = new Random((int)seed);
        int[] ids = [.. Enumerable.Range(0, sequenceLength * batchSize).Select(_ => random.Next(vocabularySize))];
        var initial = new ModelState<float>(model, batchSize);
        RandomModels.Fill(initial, random);

        var final = new ModelState<float>(model, batchSize);
        var expectedLogits = new float[sequenceLength * batchSize * vocabularySize];
        model.Predict(ids, sequenceLength, batchSize, initial, final, expectedLogits);

        using var session = new InferenceSession(OnnxExporter.ToBytes(model));
        OnnxRun run = OnnxRun.Execute(session, model, ids, sequenceLength, batchSize, initial);

        AssertClose(expectedLogits, run.Logits, "logits");
        AssertClose(OnnxRun.Stack(final, cell: false), run.FinalHidden, "hn");
        if (cell == CellType.Lstm)
        {
            AssertClose(OnnxRun.Stack(final, cell: true), run.FinalCell, "cn");
        }
        else
        {
            Assert.Null(run.FinalCell);
        }
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Export_SteppedOneCharacterAtATime_MatchesOneWindow(CellType cell)
    {
        const int vocabularySize = 7, hiddenSize = 5, layers = 2, sequenceLength = 6;
        var model = new CharModel<float>(cell, vocabularySize, hiddenSize, layers);
        RandomModels.Fill(model, 42);
        int[] ids = [3, 1, 4, 1, 5, 2];
        var final = new ModelState<float>(model, 1);
        var expected = new float[sequenceLength * vocabularySize];
        model.Predict(ids, sequenceLength, 1, null, final, expected);

        using var session = new InferenceSession(OnnxExporter.ToBytes(model));
        var state = new ModelState<float>(model, 1);
        for (int step = 0; step < sequenceLength; step++)
        {
            OnnxRun run = OnnxRun.Execute(session, model, ids.AsSpan(step, 1).ToArray(), 1, 1, state);
            AssertClose(expected.AsSpan(step * vocabularySize, vocabularySize).ToArray(), run.Logits, $"logits at step {step}");
            run.CopyStateTo(state);
        }

        AssertClose(OnnxRun.Stack(final, cell: false), OnnxRun.Stack(state, cell: false), "hn after stepping");
    }

    [Fact]
    public void Export_WithVocabulary_StoresMetadataAndWritesAtomically()
    {
        Vocabulary vocabulary = Vocabulary.FromText("hello, world");
        var model = new CharModel<float>(CellType.Gru, vocabulary.Count, 4);
        RandomModels.Fill(model, 3);
        string directory = Directory.CreateTempSubdirectory("lstmsharp-onnx-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.onnx");
            File.WriteAllText(path, "previous");
            OnnxExporter.Export(model, vocabulary, path);

            using var session = new InferenceSession(path);
            Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
            Assert.Equal(vocabulary, Vocabulary.FromJson(metadata[OnnxExporter.VocabularyMetadataKey]));
            Assert.Equal("gru", metadata[OnnxExporter.CellMetadataKey]);
            Assert.Equal("LstmSharp", session.ModelMetadata.ProducerName);
            Assert.Equal([OnnxExporter.InputIdsName, OnnxExporter.InitialHiddenName], session.InputNames);
            Assert.Equal([OnnxExporter.LogitsName, OnnxExporter.FinalHiddenName], session.OutputNames);
            Assert.Equal([path], Directory.GetFiles(directory));   // no temporary file left behind
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Export_VocabularyOfAnotherSize_Throws()
    {
        var model = new CharModel<float>(CellType.Rnn, 5, 4);
        Assert.Throws<ArgumentException>(() => OnnxExporter.ToBytes(model, Vocabulary.FromText("abc")));
    }

    private static void AssertClose(float[] expected, float[]? actual, string what)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstIndex = -1;
        for (int index = 0; index < expected.Length; index++)
        {
            double error = Math.Abs(expected[index] - actual[index]) / Math.Max(1.0, Math.Abs(expected[index]));
            if (!(error <= worst))
            {
                worst = error;
                worstIndex = index;
            }
        }

        Assert.True(worst <= Tolerance,
            $"{what}: worst error {worst:E2} at {worstIndex} (LstmSharp {expected[worstIndex]}, ONNX Runtime {actual[worstIndex]})");
    }
}
