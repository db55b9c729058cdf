namespace LstmSharp.Serialization;

/// <summary>What a safetensors file's checksums covered when it was read.</summary>
internal enum SafeTensorsChecksum
{
    /// <summary>No checksum: every byte is unverified (files from other writers, such as PyTorch's); only the structure was checked.</summary>
    None,

    /// <summary>
    /// Only <see cref="SafeTensors.DataSha256Key"/>, the tensor bytes (files LstmSharp wrote before the whole-file
    /// checksum): the header, metadata included, is unverified.
    /// </summary>
    DataOnly,

    /// <summary><see cref="SafeTensors.FileSha256Key"/>: every byte of the file, header and metadata included.</summary>
    WholeFile,
}
