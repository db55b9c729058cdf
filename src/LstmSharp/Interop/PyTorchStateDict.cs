using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;

namespace LstmSharp.Interop;

/// <summary>
/// Imports a state dict that PyTorch saved with <c>safetensors.torch.save_file(model.state_dict(), path)</c> for a
/// module holding an <c>nn.LSTM</c>, <c>nn.GRU</c> or <c>nn.RNN</c> (tanh, unidirectional, with biases,
/// <c>batch_first</c> either way) under <c>rnn</c> and an <c>nn.Linear</c> under <c>head</c>. The file needs no
/// LstmSharp metadata: the cell type, sizes and layer count are read from the tensors' names and shapes.
/// </summary>
/// <remarks>
/// <para>
/// The expected tensors, for k = 0 … L − 1 and G gate blocks (G = 4 for an LSTM, 3 for a GRU, 1 for an RNN):
/// <c>rnn.weight_ih_l{k}</c> (G·H, I), <c>rnn.weight_hh_l{k}</c> (G·H, H), <c>rnn.bias_ih_l{k}</c> (G·H),
/// <c>rnn.bias_hh_l{k}</c> (G·H), <c>head.weight</c> (V, H) and <c>head.bias</c> (V), with I = V for layer 0 and
/// I = H above it. G is the row count of <c>rnn.weight_hh_l0</c> divided by its column count.
/// </para>
/// <para>F32 and F64 tensors load into either element type, converting when they differ. The import is strict, like
/// <c>load_state_dict(strict=True)</c>: a missing, extra or mis-shaped tensor is an error.</para>
/// <para><b>Integrity.</b> A state dict that PyTorch saved carries no checksum, so the import checks its structure only
/// (every safetensors rule, names, shapes and dtypes): damaged weights of the right shape load as they are, and
/// <see cref="HasChecksum"/> says so. A file LstmSharp wrote carries its checksums, which the read verifies.</para>
/// </remarks>
public static partial class PyTorchStateDict
{
    /// <summary>The default module name of the recurrent stack, with its separator: <c>rnn.</c>.</summary>
    internal const string DefaultRecurrentPrefix = "rnn.";

    /// <summary>The default module name of the linear head, with its separator: <c>head.</c>.</summary>
    internal const string DefaultHeadPrefix = "head.";

    private const int MaxLayers = 64;

    /// <summary>Reads a PyTorch safetensors state dict from <paramref name="path"/> into a new model.</summary>
    /// <typeparam name="T">The model's element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The .safetensors file.</param>
    /// <param name="vocabulary">The vocabulary the model was trained with; its size must be the model's V.</param>
    /// <param name="recurrentPrefix">The recurrent module's key prefix, <c>rnn.</c> unless the module has another attribute name.</param>
    /// <param name="headPrefix">The linear head's key prefix, <c>head.</c> unless the module has another attribute name.</param>
    /// <returns>The model, with every parameter loaded.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors, or a tensor is missing, extra, mis-shaped or of an integer type (the message names it).</exception>
    public static CharModel<T> Load<T>(string path, Vocabulary vocabulary, string recurrentPrefix = DefaultRecurrentPrefix, string headPrefix = DefaultHeadPrefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The state dict '{path}' does not exist.", path);
        }

        return Load<T>(SafeTensors.Read(path), vocabulary, recurrentPrefix, headPrefix);
    }

    /// <summary>
    /// Whether the safetensors file at <paramref name="path"/> carries LstmSharp's SHA-256 checksums, which
    /// <see cref="Load{T}(string, Vocabulary, string, string)"/> verifies. A state dict PyTorch saved carries none, so its
    /// import checks the file's structure only, not its values: say so to the user.
    /// </summary>
    /// <param name="path">The .safetensors file.</param>
    /// <returns><see langword="true"/> when the file's values are covered by a checksum.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors, or a checksum it carries does not match.</exception>
    public static bool HasChecksum(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The state dict '{path}' does not exist.", path);
        }

        return SafeTensors.Read(path).Checksum != SafeTensorsChecksum.None;
    }

    /// <summary>Loads an already-read safetensors state dict into a new model.</summary>
    /// <typeparam name="T">The model's element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="document">The state dict.</param>
    /// <param name="vocabulary">The vocabulary the model was trained with; its size must be the model's V.</param>
    /// <param name="recurrentPrefix">The recurrent module's key prefix.</param>
    /// <param name="headPrefix">The linear head's key prefix.</param>
    /// <returns>The model, with every parameter loaded.</returns>
    /// <exception cref="InvalidDataException">A tensor is missing, extra, mis-shaped or of an integer type (the message names it).</exception>
    internal static CharModel<T> Load<T>(SafeTensorsDocument document, Vocabulary vocabulary, string recurrentPrefix = DefaultRecurrentPrefix, string headPrefix = DefaultHeadPrefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(recurrentPrefix);
        ArgumentNullException.ThrowIfNull(headPrefix);

        int layerCount = CountLayers(document, recurrentPrefix);
        SafeTensor weightHh = Required(document, recurrentPrefix + "weight_hh_l0");
        if (weightHh.Shape.Count != 2 || weightHh.Shape[1] == 0 || weightHh.Shape[0] % weightHh.Shape[1] != 0)
        {
            throw new InvalidDataException($"'{weightHh.Name}' has shape {FormatShape(weightHh.Shape)}; a recurrent weight is (G·H, H) with G = 4 (LSTM), 3 (GRU) or 1 (RNN).");
        }

        int hiddenSize = weightHh.Shape[1];
        CellType cellType = (weightHh.Shape[0] / hiddenSize) switch
        {
            4 => CellType.Lstm,
            3 => CellType.Gru,
            1 => CellType.Rnn,
            int gates => throw new InvalidDataException(
                $"'{weightHh.Name}' has shape {FormatShape(weightHh.Shape)}: {gates} gate blocks of H = {hiddenSize}, which is no LSTM (4), GRU (3) or RNN (1)."),
        };

        var model = new CharModel<T>(cellType, vocabulary.Count, hiddenSize, layerCount);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (ModelTensor<T> tensor in model.Tensors)
        {
            string key = tensor.Name.StartsWith(DefaultHeadPrefix, StringComparison.Ordinal)
                ? headPrefix + tensor.Name[DefaultHeadPrefix.Length..]
                : recurrentPrefix + tensor.Name[DefaultRecurrentPrefix.Length..];
            expected.Add(key);
            SafeTensor source = Required(document, key);
            if (!source.Shape.SequenceEqual(tensor.Shape))
            {
                throw new InvalidDataException(
                    $"'{key}' has shape {FormatShape(source.Shape)} but a {layerCount}-layer {cellType} model with V = {vocabulary.Count} and H = {hiddenSize} needs {FormatShape(tensor.Shape)}.");
            }

            if (source.DType is not (SafeTensorDType.F32 or SafeTensorDType.F64))
            {
                throw new InvalidDataException($"'{key}' is {source.DType}; parameters must be F32 or F64.");
            }

            source.ConvertTo(tensor.Values);
        }

        string[] extra = [.. document.Tensors.Select(tensor => tensor.Name).Where(name => !expected.Contains(name)).Order(StringComparer.Ordinal)];
        if (extra.Length > 0)
        {
            throw new InvalidDataException(
                $"The state dict holds {extra.Length} tensor(s) a {layerCount}-layer unidirectional {cellType} with a linear head has no place for: {string.Join(", ", extra)}.");
        }

        return model;
    }

    /// <summary>L: one more than the largest k of a <c>weight_ih_l{k}</c> under the prefix.</summary>
    private static int CountLayers(SafeTensorsDocument document, string recurrentPrefix)
    {
        int layerCount = 0;
        foreach (SafeTensor tensor in document.Tensors)
        {
            if (tensor.Name.StartsWith(recurrentPrefix, StringComparison.Ordinal) &&
                LayerKey().Match(tensor.Name[recurrentPrefix.Length..]) is { Success: true } match &&
                int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int layer) &&
                layer < MaxLayers)
            {
                layerCount = Math.Max(layerCount, layer + 1);
            }
        }

        if (layerCount == 0)
        {
            throw new InvalidDataException(
                $"The state dict has no '{recurrentPrefix}weight_ih_l0': it holds no recurrent layer under '{recurrentPrefix}' (names: {string.Join(", ", document.Tensors.Select(tensor => tensor.Name).Take(8))}).");
        }

        return layerCount;
    }

    private static SafeTensor Required(SafeTensorsDocument document, string name) =>
        document.TryGetTensor(name, out SafeTensor? tensor) ? tensor : throw new InvalidDataException($"The state dict is missing '{name}'.");

    private static string FormatShape(IEnumerable<int> shape) => $"({string.Join(", ", shape)})";

    [GeneratedRegex(@"^weight_ih_l([0-9]{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex LayerKey();
}
