using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LstmSharp.Kernels;

/// <summary>
/// The B operand of <see cref="Gemm.MultiplyAdd{T}(ReadOnlySpan{T}, PackedMatrix{T}, int, Span{T})"/>, packed once into the
/// micro-kernel's panel layout and then multiplied many times: the recurrent weights, which stay constant through a
/// window while every step multiplies them.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// B (k, n) is stored as ⌈n / NR⌉ panels of NR columns, each spanning all k rows, k-major inside a panel
/// (element (p, j) at <c>(j / NR)·k·NR + p·NR + j mod NR</c>), with the last panel zero-padded. The buffer is pinned,
/// 64-byte aligned, and grows only when a larger shape is packed, so packing in a loop never allocates.
/// </remarks>
internal sealed unsafe class PackedMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _buffer = [];
    private T* _panels;

    /// <summary>k: rows of the packed operand.</summary>
    public int Depth { get; private set; }

    /// <summary>n: columns of the packed operand.</summary>
    public int Columns { get; private set; }

    /// <summary>The first panel, 64-byte aligned; valid for the lifetime of this instance.</summary>
    internal T* Panels => _panels;

    /// <summary>Effectively stores <c>B[p, j] = b[p·n + j]</c>: packs B (k, n), stored row-major.</summary>
    /// <param name="b">(k, n): the matrix.</param>
    /// <param name="depth">k.</param>
    /// <param name="columns">n.</param>
    /// <exception cref="ArgumentException">A size is negative or <paramref name="b"/> is too short.</exception>
    public void Pack(ReadOnlySpan<T> b, int depth, int columns) => PackCore(b, depth, columns, transposed: false);

    /// <summary>Effectively stores <c>B[p, j] = b[j·k + p]</c>: packs Bᵀ of a matrix stored as (n, k), for A·Bᵀ.</summary>
    /// <param name="b">(n, k): the matrix whose transpose is packed (W_hh for h·W_hhᵀ).</param>
    /// <param name="depth">k.</param>
    /// <param name="columns">n.</param>
    /// <exception cref="ArgumentException">A size is negative or <paramref name="b"/> is too short.</exception>
    public void PackTransposed(ReadOnlySpan<T> b, int depth, int columns) => PackCore(b, depth, columns, transposed: true);

    private void PackCore(ReadOnlySpan<T> b, int depth, int columns, bool transposed)
    {
        if ((depth | columns) < 0 || b.Length < depth * columns)
        {
            ThrowHelper.ThrowShapeMismatch();
        }

        int nr = Gemm.MicroColumns<T>();
        int length = (columns + nr - 1) / nr * nr * depth;
        int pad = 64 / sizeof(T);
        if (_buffer.Length < length + pad)
        {
            // Grows once per larger shape (the first window); every later pack reuses the buffer.
            _buffer = GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
            _panels = (T*)((address + 63) & ~(nint)63);
        }

        Depth = depth;
        Columns = columns;
        fixed (T* source = b)
        {
            Gemm.PackPanels(source, depth, columns, transposed, _panels);
        }
    }
}
