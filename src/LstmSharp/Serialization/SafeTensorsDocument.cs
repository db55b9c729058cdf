using System.Diagnostics.CodeAnalysis;

namespace LstmSharp.Serialization;

/// <summary>
/// A safetensors file as read by <see cref="SafeTensors"/>: its string metadata and its named tensors, already checked
/// against the file's bytes. Pass <see cref="Tensors"/> and <see cref="Metadata"/> back to <see cref="SafeTensors.Write(string, IEnumerable{SafeTensor}, IReadOnlyDictionary{string, string}?)"/> to rewrite it.
/// </summary>
internal sealed class SafeTensorsDocument
{
    private readonly Dictionary<string, SafeTensor> _byName;

    internal SafeTensorsDocument(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata, SafeTensorsChecksum checksum)
    {
        Tensors = tensors;
        Metadata = metadata;
        Checksum = checksum;
        _byName = tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
    }

    /// <summary>The tensors in the order their bytes lie in the file.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty when the file has none), including the checksums (<see cref="SafeTensors.FileSha256Key"/>, <see cref="SafeTensors.DataSha256Key"/>) when present.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Which checksums the file carried, all of which matched (a mismatch is an <see cref="InvalidDataException"/>).
    /// Files written by other tools (such as <c>safetensors.torch.save_file</c>) have none, and are read unverified.
    /// </summary>
    public SafeTensorsChecksum Checksum { get; }

    /// <summary>Whether the file carried at least one checksum (which then matched): <see cref="Checksum"/> is not <see cref="SafeTensorsChecksum.None"/>.</summary>
    public bool IsChecksumVerified => Checksum != SafeTensorsChecksum.None;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The state-dict name, for example <c>rnn.bias_hh_l0</c>.</param>
    /// <exception cref="KeyNotFoundException">The file has no tensor of that name.</exception>
    public SafeTensor this[string name] =>
        _byName.TryGetValue(name, out SafeTensor? tensor) ? tensor : throw new KeyNotFoundException($"The file has no tensor named '{name}'.");

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The state-dict name.</param>
    /// <param name="tensor">The tensor, when found.</param>
    /// <returns>Whether the file has a tensor of that name.</returns>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafeTensor tensor) => _byName.TryGetValue(name, out tensor);
}
