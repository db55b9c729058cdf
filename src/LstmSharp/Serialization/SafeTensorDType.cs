namespace LstmSharp.Serialization;

/// <summary>
/// The element types LstmSharp reads and writes in a safetensors file, spelled in the header as their names
/// (<c>"F32"</c>, <c>"F64"</c>, <c>"I32"</c>, <c>"I64"</c>). All are little-endian.
/// </summary>
internal enum SafeTensorDType
{
    /// <summary><c>F32</c>: IEEE 754 binary32, PyTorch's <c>torch.float32</c>; 4 bytes.</summary>
    F32,

    /// <summary><c>F64</c>: IEEE 754 binary64, PyTorch's <c>torch.float64</c>; 8 bytes.</summary>
    F64,

    /// <summary><c>I32</c>: two's-complement 32-bit integer, PyTorch's <c>torch.int32</c>; 4 bytes.</summary>
    I32,

    /// <summary><c>I64</c>: two's-complement 64-bit integer, PyTorch's <c>torch.int64</c>; 8 bytes.</summary>
    I64,
}
