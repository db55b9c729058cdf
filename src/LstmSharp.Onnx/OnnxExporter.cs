using System.Reflection;
using Google.Protobuf;
using LstmSharp.Interop.Onnx;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;

namespace LstmSharp.Interop;

/// <summary>
/// Exports a <see cref="CharModel{T}"/> to an ONNX model built from the standard operators, one <c>LSTM</c>,
/// <c>GRU</c> or <c>RNN</c> node per layer, so any ONNX runtime can serve it. The graph is stepwise: the initial
/// states are inputs and the final states are outputs, so a caller carries the state from one call to the next.
/// </summary>
/// <remarks>
/// <para>The graph, with T and B symbolic (<c>sequence</c>, <c>batch</c>):</para>
/// <code>
/// input_ids (T, B) int64 ── OneHot(depth V) ── x (T, B, V) float
/// h0 (L, B, H), c0 (L, B, H) ── Split on axis 0 ── one (1, B, H) slice per layer
/// layer k: LSTM | GRU | RNN (hidden_size H) ── Y (T, 1, B, H) ── Squeeze axis 1 ── (T, B, H) into layer k + 1
///                                          ── Y_h, Y_c (1, B, H) ── Concat on axis 0 ── hn, cn (L, B, H)
/// top (T, B, H) ── MatMul head.weightᵀ (H, V) ── Add head.bias (V) ── logits (T, B, V)
/// </code>
/// <para>
/// The states stack layers first, as PyTorch's <c>h_0</c>/<c>h_n</c> do; <c>c0</c> and <c>cn</c> exist only for an
/// LSTM. The gates are reordered from PyTorch's layout to ONNX's: LSTM i, f, g, o becomes i, o, f, c; GRU r, z, n
/// becomes z, r, h with <c>linear_before_reset = 1</c> (PyTorch applies the reset gate after the recurrent
/// projection and its bias). <c>B</c> concatenates the input and recurrent biases, as ONNX expects.
/// </para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph imports (the default domain).</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version written: 8, the IR of operator sets 15 to 18.</summary>
    public const int IrVersion = 8;

    /// <summary>The graph input of character ids: int64 (T, B), time-major.</summary>
    public const string InputIdsName = "input_ids";

    /// <summary>The graph input of initial hidden states: float (L, B, H), layers first.</summary>
    public const string InitialHiddenName = "h0";

    /// <summary>The graph input of initial LSTM cell states: float (L, B, H); LSTM models only.</summary>
    public const string InitialCellName = "c0";

    /// <summary>The graph output of logits: float (T, B, V), the next-character scores after each step.</summary>
    public const string LogitsName = "logits";

    /// <summary>The graph output of final hidden states: float (L, B, H).</summary>
    public const string FinalHiddenName = "hn";

    /// <summary>The graph output of final LSTM cell states: float (L, B, H); LSTM models only.</summary>
    public const string FinalCellName = "cn";

    /// <summary>The model metadata key under which <see cref="Vocabulary.ToJson"/> is stored when a vocabulary is given.</summary>
    public const string VocabularyMetadataKey = "lstmsharp.vocabulary";

    /// <summary>The model metadata key of the cell type (<c>lstm</c>, <c>gru</c> or <c>rnn</c>).</summary>
    public const string CellMetadataKey = "lstmsharp.cell";

    /// <summary>
    /// Writes <paramref name="model"/> as an ONNX file, atomically: the bytes go to a temporary file beside
    /// <paramref name="path"/>, reach the disk, then replace it, so a failure leaves any previous file whole.
    /// </summary>
    /// <param name="model">The model to export.</param>
    /// <param name="vocabulary">The model's vocabulary, stored in the model metadata under <see cref="VocabularyMetadataKey"/>; <see langword="null"/> to omit it.</param>
    /// <param name="path">The .onnx file to create or replace.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="vocabulary"/> has a different size from the model's, or <paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file could not be written; any previous file is untouched.</exception>
    public static void Export(CharModel<float> model, Vocabulary? vocabulary, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelProto proto = Build(model, vocabulary);
        AtomicFile.Write(path, proto.WriteTo);
    }

    /// <summary>Writes <paramref name="model"/> in ONNX format to <paramref name="stream"/> at its current position (not atomic).</summary>
    /// <param name="model">The model to export.</param>
    /// <param name="vocabulary">The model's vocabulary for the metadata; <see langword="null"/> to omit it.</param>
    /// <param name="stream">The destination.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="vocabulary"/> has a different size from the model's.</exception>
    public static void Export(CharModel<float> model, Vocabulary? vocabulary, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Build(model, vocabulary).WriteTo(stream);
    }

    /// <summary>Encodes <paramref name="model"/> as the bytes of an ONNX file, for example to hand to an in-process runtime.</summary>
    /// <param name="model">The model to export.</param>
    /// <param name="vocabulary">The model's vocabulary for the metadata; <see langword="null"/> to omit it.</param>
    /// <returns>The serialized <c>ModelProto</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="vocabulary"/> has a different size from the model's.</exception>
    public static byte[] ToBytes(CharModel<float> model, Vocabulary? vocabulary = null) => Build(model, vocabulary).ToByteArray();

    private static ModelProto Build(CharModel<float> model, Vocabulary? vocabulary)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (vocabulary is not null)
        {
            ThrowHelper.CheckVocabularySize(vocabulary.Count, model.VocabularySize, nameof(vocabulary));
        }

        var graph = new OnnxGraphBuilder("lstmsharp_char_model");
        int layerCount = model.Layers.Count, hiddenSize = model.HiddenSize, vocabularySize = model.VocabularySize;
        bool hasCell = model.CellType == CellType.Lstm;

        graph.AddInput(InputIdsName, TensorProto.Types.DataType.Int64, [OnnxGraphBuilder.Symbol("sequence"), OnnxGraphBuilder.Symbol("batch")]);
        OnnxDimension[] stateShape = [layerCount, OnnxGraphBuilder.Symbol("batch"), hiddenSize];
        graph.AddInput(InitialHiddenName, TensorProto.Types.DataType.Float, stateShape);
        if (hasCell)
        {
            graph.AddInput(InitialCellName, TensorProto.Types.DataType.Float, stateShape);
        }

        // One-hot input: OneHot(ids, depth V, values [off, on]) on the last axis gives (T, B, V) floats.
        graph.AddInitializer("onehot_depth", [], [(long)vocabularySize]);
        graph.AddInitializer("onehot_values", [2], [0f, 1f]);
        graph.AddNode("OneHot", [InputIdsName, "onehot_depth", "onehot_values"], ["x"], OnnxGraphBuilder.IntAttribute("axis", -1));
        graph.AddInitializer("squeeze_axes", [1], [1L]);

        string[] initialHidden = SplitLayers(graph, InitialHiddenName, layerCount);
        string[] initialCell = hasCell ? SplitLayers(graph, InitialCellName, layerCount) : [];
        var finalHidden = new string[layerCount];
        var finalCell = new string[hasCell ? layerCount : 0];
        string layerInput = "x";
        for (int layer = 0; layer < layerCount; layer++)
        {
            RecurrentCell<float> cell = model.Layers[layer];
            string prefix = $"rnn_l{layer}";
            AddRecurrentWeights(graph, cell, prefix);

            finalHidden[layer] = layerCount == 1 ? FinalHiddenName : $"{prefix}_hn";
            List<string> outputs = [$"{prefix}_y", finalHidden[layer]];
            List<string> inputs = [layerInput, $"{prefix}_W", $"{prefix}_R", $"{prefix}_B", "", initialHidden[layer]];
            if (hasCell)
            {
                finalCell[layer] = layerCount == 1 ? FinalCellName : $"{prefix}_cn";
                outputs.Add(finalCell[layer]);
                inputs.Add(initialCell[layer]);
            }

            List<AttributeProto> attributes = [OnnxGraphBuilder.IntAttribute("hidden_size", hiddenSize)];
            if (model.CellType == CellType.Gru)
            {
                attributes.Add(OnnxGraphBuilder.IntAttribute("linear_before_reset", 1));
            }

            string opType = model.CellType switch
            {
                CellType.Lstm => "LSTM",
                CellType.Gru => "GRU",
                _ => "RNN",
            };
            graph.AddNode(opType, inputs, outputs, [.. attributes]);

            // Y is (T, num_directions = 1, B, H); the next layer and the head want (T, B, H).
            string squeezed = $"{prefix}_output";
            graph.AddNode("Squeeze", [$"{prefix}_y", "squeeze_axes"], [squeezed]);
            layerInput = squeezed;
        }

        if (layerCount > 1)
        {
            graph.AddNode("Concat", finalHidden, [FinalHiddenName], OnnxGraphBuilder.IntAttribute("axis", 0));
            if (hasCell)
            {
                graph.AddNode("Concat", finalCell, [FinalCellName], OnnxGraphBuilder.IntAttribute("axis", 0));
            }
        }

        // The head: logits = top · weightᵀ + bias, with weightᵀ stored (H, V) so MatMul broadcasts over (T, B).
        Linear<float> head = model.Head;
        var weightTransposed = new float[hiddenSize * vocabularySize];   // (H, V)
        ReadOnlySpan<float> weight = head.Weight;                          // (V, H)
        for (int row = 0; row < vocabularySize; row++)
        {
            for (int column = 0; column < hiddenSize; column++)
            {
                weightTransposed[column * vocabularySize + row] = weight[row * hiddenSize + column];
            }
        }

        graph.AddInitializer("head_weight_t", [hiddenSize, vocabularySize], weightTransposed);
        graph.AddInitializer("head_bias", [vocabularySize], head.Bias);
        graph.AddNode("MatMul", [layerInput, "head_weight_t"], ["head_matmul"]);
        graph.AddNode("Add", ["head_matmul", "head_bias"], [LogitsName]);

        graph.AddOutput(LogitsName, TensorProto.Types.DataType.Float, [OnnxGraphBuilder.Symbol("sequence"), OnnxGraphBuilder.Symbol("batch"), vocabularySize]);
        graph.AddOutput(FinalHiddenName, TensorProto.Types.DataType.Float, stateShape);
        if (hasCell)
        {
            graph.AddOutput(FinalCellName, TensorProto.Types.DataType.Float, stateShape);
        }

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "LstmSharp",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            DocString = $"A character-level {CellTypeNames.ToName(model.CellType)} model: V = {vocabularySize}, H = {hiddenSize}, L = {layerCount}.",
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = CellMetadataKey, Value = CellTypeNames.ToName(model.CellType) });
        if (vocabulary is not null)
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = VocabularyMetadataKey, Value = vocabulary.ToJson() });
        }

        return proto;
    }

    /// <summary>Splits a (L, B, H) state input into L (1, B, H) names; one layer uses the input as it is.</summary>
    private static string[] SplitLayers(OnnxGraphBuilder graph, string input, int layerCount)
    {
        if (layerCount == 1)
        {
            return [input];
        }

        string[] parts = [.. Enumerable.Range(0, layerCount).Select(layer => $"{input}_l{layer}")];
        graph.AddNode("Split", [input], parts, OnnxGraphBuilder.IntAttribute("axis", 0));   // equal parts, one per output
        return parts;
    }

    /// <summary>Adds W (1, G·H, I), R (1, G·H, H) and B (1, 2·G·H) with the gate blocks in ONNX's order.</summary>
    private static void AddRecurrentWeights(OnnxGraphBuilder graph, RecurrentCell<float> cell, string prefix)
    {
        CellLayout layout = cell.Layout;
        int hiddenSize = layout.HiddenSize, gateSize = layout.GateSize;
        ReadOnlySpan<int> order = OnnxGateOrder(layout.CellType);

        var weightIh = new float[gateSize * layout.InputSize];
        var weightHh = new float[gateSize * hiddenSize];
        var bias = new float[2 * gateSize];
        ReorderGateRows(cell.WeightIh, order, hiddenSize * layout.InputSize, weightIh);
        ReorderGateRows(cell.WeightHh, order, hiddenSize * hiddenSize, weightHh);
        ReorderGateRows(cell.BiasIh, order, hiddenSize, bias.AsSpan(0, gateSize));
        ReorderGateRows(cell.BiasHh, order, hiddenSize, bias.AsSpan(gateSize));

        graph.AddInitializer($"{prefix}_W", [1, gateSize, layout.InputSize], weightIh);
        graph.AddInitializer($"{prefix}_R", [1, gateSize, hiddenSize], weightHh);
        graph.AddInitializer($"{prefix}_B", [1, 2 * gateSize], bias);
    }

    /// <summary>For each ONNX gate block in turn, the PyTorch gate block that fills it.</summary>
    private static ReadOnlySpan<int> OnnxGateOrder(CellType cellType) => cellType switch
    {
        CellType.Lstm => [0, 3, 1, 2],   // ONNX i, o, f, c  ←  PyTorch i, f, g, o
        CellType.Gru => [1, 0, 2],       // ONNX z, r, h     ←  PyTorch r, z, n
        _ => [0],
    };

    /// <summary>Effectively computes <c>destination block k = source block order[k]</c>, each block <paramref name="blockSize"/> long.</summary>
    private static void ReorderGateRows(ReadOnlySpan<float> source, ReadOnlySpan<int> order, int blockSize, Span<float> destination)
    {
        for (int block = 0; block < order.Length; block++)
        {
            source.Slice(order[block] * blockSize, blockSize).CopyTo(destination.Slice(block * blockSize, blockSize));
        }
    }
}
