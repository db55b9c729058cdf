using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LstmSharp.Kernels;

/// <summary>
/// A group of <see cref="Count"/> elements that an element-wise rule (an optimizer's update, the LSTM gate gradients)
/// computes on as if it were one number: one <typeparamref name="T"/> (<see cref="ScalarLane{T}"/>) or one 128-, 256- or
/// 512-bit vector. A rule written once against this interface is specialized by the JIT for each width, scalar tail
/// included, as TensorPrimitives' operators are. (The BCL's own
/// <c>ISimdVector</c> is internal in .NET 10, hence this one.) The arithmetic is exact IEEE per element, so every
/// width gives the same bits. <see cref="Sigmoid"/> and <see cref="Tanh"/> are TensorPrimitives' formulas over one
/// exponential at every vector width (<see cref="ExpConstants"/> for float, the BCL's vector <c>Exp</c> for double); the
/// scalar lane uses the C runtime's, which may round differently.
/// </summary>
internal interface ILanes<TSelf, T>
    where TSelf : struct, ILanes<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of elements in one group.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs in hardware for <typeparamref name="T"/> on this machine.</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(T value);

    /// <summary>Reads <see cref="Count"/> elements from <paramref name="source"/>[<paramref name="index"/>…].</summary>
    static abstract TSelf Load(ref T source, nuint index);

    /// <summary>Writes <see cref="Count"/> elements to <paramref name="destination"/>[<paramref name="index"/>…].</summary>
    static abstract void Store(TSelf value, ref T destination, nuint index);

    /// <summary>The correctly rounded square root of each lane.</summary>
    static abstract TSelf Sqrt(TSelf value);

    /// <summary>1 / (1 + e^−x) per lane, <c>TensorPrimitives.Sigmoid</c>'s formula.</summary>
    static abstract TSelf Sigmoid(TSelf value);

    /// <summary>tanh per lane, <c>TensorPrimitives.Tanh</c>'s formula.</summary>
    static abstract TSelf Tanh(TSelf value);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);
}

/// <summary>One element: the scalar tail of every width.</summary>
internal readonly struct ScalarLane<T>(T value) : ILanes<ScalarLane<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _value = value;

    public static int Count => 1;

    public static bool IsAccelerated => true;

    public static ScalarLane<T> Create(T value) => new(value);

    public static ScalarLane<T> Load(ref T source, nuint index) => new(Unsafe.Add(ref source, index));

    public static void Store(ScalarLane<T> value, ref T destination, nuint index) => Unsafe.Add(ref destination, index) = value._value;

    public static ScalarLane<T> Sqrt(ScalarLane<T> value) => new(T.Sqrt(value._value));

    public static ScalarLane<T> Sigmoid(ScalarLane<T> value) => new(T.One / (T.One + T.Exp(-value._value)));

    public static ScalarLane<T> Tanh(ScalarLane<T> value) => new(T.Tanh(value._value));

    public static ScalarLane<T> operator +(ScalarLane<T> left, ScalarLane<T> right) => new(left._value + right._value);

    public static ScalarLane<T> operator -(ScalarLane<T> left, ScalarLane<T> right) => new(left._value - right._value);

    public static ScalarLane<T> operator *(ScalarLane<T> left, ScalarLane<T> right) => new(left._value * right._value);

    public static ScalarLane<T> operator /(ScalarLane<T> left, ScalarLane<T> right) => new(left._value / right._value);
}

/// <summary>One <see cref="Vector128{T}"/>.</summary>
internal readonly struct Lanes128<T>(Vector128<T> value) : ILanes<Lanes128<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector128<T> _value = value;

    public static int Count => Vector128<T>.Count;

    public static bool IsAccelerated => Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported;

    public static Lanes128<T> Create(T value) => new(Vector128.Create(value));

    public static Lanes128<T> Load(ref T source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));

    public static void Store(Lanes128<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    public static Lanes128<T> Sqrt(Lanes128<T> value) => new(Vector128.Sqrt(value._value));

    public static Lanes128<T> Sigmoid(Lanes128<T> value) => new(Vector128<T>.One / (Vector128<T>.One + Exp(-value._value)));

    /// <summary>tanh(x) = sign(x)·(−z / (z + 2)) with z = e^(−2|x|) − 1, TensorPrimitives' vector form (from AOCL's vrs4_tanhf).</summary>
    public static Lanes128<T> Tanh(Lanes128<T> value)
    {
        Vector128<T> z = Exp(Vector128.Create(-(T.One + T.One)) * Vector128.Abs(value._value)) - Vector128<T>.One;
        return new((value._value & Vector128.Create(T.NegativeZero)) ^ (-z / (z + Vector128.Create(T.One + T.One))));
    }

    private static Vector128<T> Exp(Vector128<T> x) =>
        typeof(T) == typeof(float) ? ExpSingle(x.AsSingle()).As<float, T>() : Vector128.Exp(x.AsDouble()).As<double, T>();

    /// <summary>e^x in float, as <see cref="ExpConstants"/> describes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpSingle(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(ExpConstants.Lowest)), Vector128.Create(ExpConstants.Highest));
        Vector128<float> n = Vector128.Round(x * Vector128.Create(ExpConstants.Log2E));
        Vector128<float> r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-ExpConstants.Ln2High), x);
        r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-ExpConstants.Ln2Low), r);
        Vector128<float> p = Vector128.Create(ExpConstants.P0);
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpConstants.P1));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpConstants.P2));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpConstants.P3));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpConstants.P4));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(ExpConstants.P5));
        Vector128<float> y = Vector128.MultiplyAddEstimate(p, r * r, r) + Vector128<float>.One;
        return y * ((Vector128.ConvertToInt32(n) + Vector128.Create(127)) << 23).AsSingle();
    }

    public static Lanes128<T> operator +(Lanes128<T> left, Lanes128<T> right) => new(left._value + right._value);

    public static Lanes128<T> operator -(Lanes128<T> left, Lanes128<T> right) => new(left._value - right._value);

    public static Lanes128<T> operator *(Lanes128<T> left, Lanes128<T> right) => new(left._value * right._value);

    public static Lanes128<T> operator /(Lanes128<T> left, Lanes128<T> right) => new(left._value / right._value);
}

/// <summary>One <see cref="Vector256{T}"/>.</summary>
internal readonly struct Lanes256<T>(Vector256<T> value) : ILanes<Lanes256<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector256<T> _value = value;

    public static int Count => Vector256<T>.Count;

    public static bool IsAccelerated => Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported;

    public static Lanes256<T> Create(T value) => new(Vector256.Create(value));

    public static Lanes256<T> Load(ref T source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    public static void Store(Lanes256<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    public static Lanes256<T> Sqrt(Lanes256<T> value) => new(Vector256.Sqrt(value._value));

    public static Lanes256<T> Sigmoid(Lanes256<T> value) => new(Vector256<T>.One / (Vector256<T>.One + Exp(-value._value)));

    /// <summary>tanh(x) = sign(x)·(−z / (z + 2)) with z = e^(−2|x|) − 1, TensorPrimitives' vector form (from AOCL's vrs4_tanhf).</summary>
    public static Lanes256<T> Tanh(Lanes256<T> value)
    {
        Vector256<T> z = Exp(Vector256.Create(-(T.One + T.One)) * Vector256.Abs(value._value)) - Vector256<T>.One;
        return new((value._value & Vector256.Create(T.NegativeZero)) ^ (-z / (z + Vector256.Create(T.One + T.One))));
    }

    private static Vector256<T> Exp(Vector256<T> x) =>
        typeof(T) == typeof(float) ? ExpSingle(x.AsSingle()).As<float, T>() : Vector256.Exp(x.AsDouble()).As<double, T>();

    /// <summary>e^x in float, as <see cref="ExpConstants"/> describes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpSingle(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpConstants.Lowest)), Vector256.Create(ExpConstants.Highest));
        Vector256<float> n = Vector256.Round(x * Vector256.Create(ExpConstants.Log2E));
        Vector256<float> r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-ExpConstants.Ln2High), x);
        r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-ExpConstants.Ln2Low), r);
        Vector256<float> p = Vector256.Create(ExpConstants.P0);
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpConstants.P1));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpConstants.P2));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpConstants.P3));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpConstants.P4));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(ExpConstants.P5));
        Vector256<float> y = Vector256.MultiplyAddEstimate(p, r * r, r) + Vector256<float>.One;
        return y * ((Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23).AsSingle();
    }

    public static Lanes256<T> operator +(Lanes256<T> left, Lanes256<T> right) => new(left._value + right._value);

    public static Lanes256<T> operator -(Lanes256<T> left, Lanes256<T> right) => new(left._value - right._value);

    public static Lanes256<T> operator *(Lanes256<T> left, Lanes256<T> right) => new(left._value * right._value);

    public static Lanes256<T> operator /(Lanes256<T> left, Lanes256<T> right) => new(left._value / right._value);
}

/// <summary>One <see cref="Vector512{T}"/>.</summary>
internal readonly struct Lanes512<T>(Vector512<T> value) : ILanes<Lanes512<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _value = value;

    public static int Count => Vector512<T>.Count;

    public static bool IsAccelerated => Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported;

    public static Lanes512<T> Create(T value) => new(Vector512.Create(value));

    public static Lanes512<T> Load(ref T source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    public static void Store(Lanes512<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    public static Lanes512<T> Sqrt(Lanes512<T> value) => new(Vector512.Sqrt(value._value));

    public static Lanes512<T> Sigmoid(Lanes512<T> value) => new(Vector512<T>.One / (Vector512<T>.One + Exp(-value._value)));

    /// <summary>tanh(x) = sign(x)·(−z / (z + 2)) with z = e^(−2|x|) − 1, TensorPrimitives' vector form (from AOCL's vrs4_tanhf).</summary>
    public static Lanes512<T> Tanh(Lanes512<T> value)
    {
        Vector512<T> z = Exp(Vector512.Create(-(T.One + T.One)) * Vector512.Abs(value._value)) - Vector512<T>.One;
        return new((value._value & Vector512.Create(T.NegativeZero)) ^ (-z / (z + Vector512.Create(T.One + T.One))));
    }

    private static Vector512<T> Exp(Vector512<T> x) =>
        typeof(T) == typeof(float) ? ExpSingle(x.AsSingle()).As<float, T>() : Vector512.Exp(x.AsDouble()).As<double, T>();

    /// <summary>e^x in float, as <see cref="ExpConstants"/> describes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpSingle(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpConstants.Lowest)), Vector512.Create(ExpConstants.Highest));
        Vector512<float> n = Vector512.Round(x * Vector512.Create(ExpConstants.Log2E));
        Vector512<float> r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-ExpConstants.Ln2High), x);
        r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-ExpConstants.Ln2Low), r);
        Vector512<float> p = Vector512.Create(ExpConstants.P0);
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpConstants.P1));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpConstants.P2));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpConstants.P3));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpConstants.P4));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(ExpConstants.P5));
        Vector512<float> y = Vector512.MultiplyAddEstimate(p, r * r, r) + Vector512<float>.One;
        return y * ((Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23).AsSingle();
    }

    public static Lanes512<T> operator +(Lanes512<T> left, Lanes512<T> right) => new(left._value + right._value);

    public static Lanes512<T> operator -(Lanes512<T> left, Lanes512<T> right) => new(left._value - right._value);

    public static Lanes512<T> operator *(Lanes512<T> left, Lanes512<T> right) => new(left._value * right._value);

    public static Lanes512<T> operator /(Lanes512<T> left, Lanes512<T> right) => new(left._value / right._value);
}

/// <summary>
/// The float e^x of the LSTM's gate functions: Cody and Waite's reduction x = n·ln 2 + r (ln 2 split in two, so n·ln 2 is
/// exact), |r| ≤ ln 2 / 2, e^r by Cephes' degree-7 polynomial (within about one ulp), then the exponent n added to its
/// bits. x is clamped to [<see cref="Lowest"/>, <see cref="Highest"/>], where n stays in [−126, 127] and 2^n a normal
/// float, and NaN stays NaN (the BCL's vector Min and Max propagate it). It is written out
/// because the BCL's vector <c>Exp</c> computes float in double (widened, a double polynomial, narrowed): that made the
/// five exponentials per unit the largest element-wise part of an LSTM forward step. Every width runs the
/// same operations, so every width gives the same bits on one machine.
/// </summary>
internal static class ExpConstants
{
    public const float Lowest = -87.33654f;          // ln 2^−126, the smallest normal float: n = −126
    public const float Highest = 88.3762626647949f;  // rounds to n = 127
    public const float Log2E = 1.44269504088896341f;
    public const float Ln2High = 0.693359375f;
    public const float Ln2Low = -2.12194440e-4f;
    public const float P0 = 1.9875691500e-4f;
    public const float P1 = 1.3981999507e-3f;
    public const float P2 = 8.3334519073e-3f;
    public const float P3 = 4.1665795894e-2f;
    public const float P4 = 1.6666665459e-1f;
    public const float P5 = 5.0000001201e-1f;
}
