using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LstmSharp.Kernels;

/// <summary>
/// The vector operations the kernels use, over one vector width: a kernel is written once against this interface and
/// called with <see cref="Simd512{T}"/>, <see cref="Simd256{T}"/> or <see cref="Simd128{T}"/>, and the JIT compiles one
/// specialised copy per width. (TensorPrimitives does the same through <c>ISimdVector</c>, which .NET 10 keeps internal.)
/// </summary>
/// <typeparam name="TVector">The vector type: <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/> or <see cref="Vector128{T}"/>.</typeparam>
/// <typeparam name="T">The element type, float or double.</typeparam>
internal unsafe interface ISimdWidth<TVector, T>
    where TVector : struct
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(T* source);

    static abstract void Store(TVector value, T* destination);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVector Create(T value);

    /// <summary><c>x·y + addend</c> per lane, rounded as <see cref="SimdWidth.MultiplyAdd{T}"/> rounds it.</summary>
    static abstract TVector MultiplyAdd(TVector x, TVector y, TVector addend);

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVector value);
}

/// <summary>The choice of width, and the one multiply-add rule every kernel and its scalar tail share.</summary>
internal static class SimdWidth
{
    /// <summary>
    /// True when the CPU fuses multiply-adds (x64 with FMA, every ARM64). Without it, a fused multiply-add is a slow software
    /// routine, so the kernels multiply, then add: the vector lanes and the scalar tails alike, so they still agree to the bit.
    /// </summary>
    public static bool IsFused => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>
    /// True where a micro-kernel tile should run as two halves: x64 without AVX-512 has 16 vector registers, too few for a
    /// tile's 16 accumulators. Measured on Zen 5 with AVX2, halves ran 1.45× faster; with SSE only (no FMA), where the
    /// separate multiply and add need their own registers, 15% slower, so they stay whole there.
    /// </summary>
    public static bool SplitTiles => !(Avx512F.IsSupported || AdvSimd.IsSupported) && IsFused;

    /// <summary>Whether the kernels have a vector path for <typeparamref name="T"/> on this CPU.</summary>
    public static bool IsVectorized<T>() =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && Vector128.IsHardwareAccelerated;

    /// <summary>The kernels run on <see cref="Simd512{T}"/>: 512-bit vectors are accelerated (they come with FMA on x64).</summary>
    public static bool Is512 => Vector512.IsHardwareAccelerated && IsFused;

    /// <summary>The kernels run on <see cref="Simd256{T}"/>: 256-bit vectors are the widest accelerated (x64 AVX2, with FMA).</summary>
    public static bool Is256 => !Is512 && Vector256.IsHardwareAccelerated && IsFused;

    /// <summary>Elements per vector of <typeparamref name="T"/> at the width the kernels run (512, 256 or 128 bits).</summary>
    public static int Count<T>() => Is512 ? Vector512<T>.Count : Is256 ? Vector256<T>.Count : Vector128<T>.Count;

    /// <summary>The scalar <c>x·y + addend</c> that matches one lane of <see cref="ISimdWidth{TVector, T}.MultiplyAdd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd<T>(T x, T y, T addend) where T : IFloatingPointIeee754<T> =>
        IsFused ? T.FusedMultiplyAdd(x, y, addend) : x * y + addend;
}

internal readonly unsafe struct Simd512<T> : ISimdWidth<Vector512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Create(T value) => Vector512.Create(value);

    // Used only where the CPU fuses (SimdWidth.Is512), so always fused.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> addend) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);
}

internal readonly unsafe struct Simd256<T> : ISimdWidth<Vector256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Create(T value) => Vector256.Create(value);

    // Used only where the CPU fuses (SimdWidth.Is256), so always fused.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> addend) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);
}

internal readonly unsafe struct Simd128<T> : ISimdWidth<Vector128<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(T* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Create(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> x, Vector128<T> y, Vector128<T> addend) =>
        !SimdWidth.IsFused ? x * y + addend :
        typeof(T) == typeof(float)
            ? Vector128.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector128.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);
}
