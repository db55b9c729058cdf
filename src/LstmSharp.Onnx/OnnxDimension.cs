namespace LstmSharp.Interop;

/// <summary>One dimension of a graph input or output: a fixed size, or a symbol (such as <c>batch</c>) that the runtime binds.</summary>
/// <param name="Value">The size, when <paramref name="Symbol"/> is null.</param>
/// <param name="Symbol">The symbolic name, or null for a fixed size.</param>
internal readonly record struct OnnxDimension(long Value, string? Symbol)
{
    public static implicit operator OnnxDimension(int value) => new(value, null);
}
