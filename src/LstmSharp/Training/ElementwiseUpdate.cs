using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LstmSharp.Kernels;

namespace LstmSharp.Training;

/// <summary>
/// One optimizer's update rule for one parameter buffer: what a step does to a group of elements of θ, given ∇ and the
/// rule's own state (moments, momentum, sums), which the rule holds as arrays indexed like θ. Written once, generic
/// over the lane width; <see cref="ElementwiseUpdate"/> drives it over 512-, 256- and 128-bit vectors and a scalar
/// tail. The struct also carries the step's scalars (γ, β, λ…), so its <see cref="Invoke{TLanes}"/> is an instance
/// method: the JIT still compiles one specialized loop per rule struct and width, as for TensorPrimitives' operators.
/// </summary>
internal interface IUpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Updates elements [<paramref name="index"/>, <paramref name="index"/> + <c>TLanes.Count</c>) of θ and of the rule's state.</summary>
    /// <param name="parameters">θ[0]: read and written.</param>
    /// <param name="gradients">∇[0]: read only.</param>
    /// <param name="index">The first element of the group.</param>
    void Invoke<TLanes>(ref T parameters, ref T gradients, nuint index) where TLanes : struct, ILanes<TLanes, T>;
}

/// <summary>The one element-wise driver of every optimizer: the widest vector body the machine has, then narrower ones, then a scalar tail.</summary>
internal static class ElementwiseUpdate
{
    /// <summary>Effectively runs <paramref name="rule"/> on every element of <paramref name="parameters"/>.</summary>
    /// <param name="rule">The step's rule; its state arrays have the length of <paramref name="parameters"/> (or are empty when unused).</param>
    /// <param name="parameters">(n): θ, updated in place.</param>
    /// <param name="gradients">(n): ∇; the optimizer checked the length when it bound the buffers.</param>
    public static void Apply<TRule, T>(TRule rule, Span<T> parameters, ReadOnlySpan<T> gradients)
        where TRule : struct, IUpdateRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T theta = ref MemoryMarshal.GetReference(parameters);
        ref T grad = ref MemoryMarshal.GetReference(gradients);
        nuint length = (nuint)parameters.Length, index = 0;
        if (Lanes512<T>.IsAccelerated)
        {
            index = Walk<TRule, T, Lanes512<T>>(rule, ref theta, ref grad, index, length);
        }

        if (Lanes256<T>.IsAccelerated)
        {
            index = Walk<TRule, T, Lanes256<T>>(rule, ref theta, ref grad, index, length);
        }

        if (Lanes128<T>.IsAccelerated)
        {
            index = Walk<TRule, T, Lanes128<T>>(rule, ref theta, ref grad, index, length);
        }

        Walk<TRule, T, ScalarLane<T>>(rule, ref theta, ref grad, index, length);
    }

    // Whole groups of TLanes.Count from index on; returns where the first incomplete group starts.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Walk<TRule, T, TLanes>(TRule rule, ref T theta, ref T grad, nuint index, nuint length)
        where TRule : struct, IUpdateRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLanes : struct, ILanes<TLanes, T>
    {
        for (; length - index >= (nuint)TLanes.Count; index += (nuint)TLanes.Count)
        {
            rule.Invoke<TLanes>(ref theta, ref grad, index);
        }

        return index;
    }
}
