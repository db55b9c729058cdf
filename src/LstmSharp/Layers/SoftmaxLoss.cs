using System.Numerics;
using System.Numerics.Tensors;

namespace LstmSharp.Layers;

/// <summary>
/// Mean cross-entropy of a softmax over logits, computed through a max-shifted log-sum-exp so that large logits
/// neither overflow nor lose precision. Its backward is the fused <c>(p − onehot(target)) / N</c>.
/// </summary>
public static class SoftmaxLoss
{
    /// <summary>
    /// Effectively computes <c>probabilities[r] = softmax(logits[r])</c> and returns
    /// <c>mean_r(−log probabilities[r, targets[r]])</c> in nats.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="logits">(N, V).</param>
    /// <param name="targets">(N): the target id of each row, in [0, V).</param>
    /// <param name="probabilities">(N, V): receives the softmax; may be the same span as <paramref name="logits"/>, but not partly over it.</param>
    /// <returns>The mean negative log-likelihood.</returns>
    /// <exception cref="ArgumentException">
    /// A length does not match, a target is out of range (checked before anything is written), or
    /// <paramref name="probabilities"/> partly overlaps <paramref name="logits"/>.
    /// </exception>
    public static T Forward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, Span<T> probabilities)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = targets.Length;
        if (rows == 0 || logits.Length % rows != 0)
        {
            ThrowHelper.ThrowArgument($"logits ({logits.Length}) must hold a whole number of rows for {rows} targets.", nameof(logits));
        }

        int vocabularySize = logits.Length / rows;
        ThrowHelper.CheckLength(probabilities.Length, logits.Length, nameof(probabilities));
        SpanOverlap.CheckSource(logits, probabilities, nameof(probabilities));
        ThrowHelper.CheckIds(targets, vocabularySize, "Target", "row", nameof(targets));   // a target ≥ V would read the next row
        T total = T.Zero;
        for (int row = 0; row < rows; row++)
        {
            int target = targets[row];
            ReadOnlySpan<T> rowLogits = logits.Slice(row * vocabularySize, vocabularySize);
            Span<T> rowProbabilities = probabilities.Slice(row * vocabularySize, vocabularySize);
            T max = TensorPrimitives.Max(rowLogits);
            T targetShifted = rowLogits[target] - max;     // read before an in-place destination overwrites it
            TensorPrimitives.Subtract(rowLogits, max, rowProbabilities);
            TensorPrimitives.Exp(rowProbabilities, rowProbabilities);
            T sum = TensorPrimitives.Sum<T>(rowProbabilities);
            TensorPrimitives.Divide(rowProbabilities, sum, rowProbabilities);
            total += T.Log(sum) - targetShifted;
        }

        return total / T.CreateChecked(rows);
    }

    /// <summary>Effectively computes <c>dLogits[r, j] = (probabilities[r, j] − [j == targets[r]]) / N</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="probabilities">(N, V): from <see cref="Forward"/>.</param>
    /// <param name="targets">(N): target ids, in [0, V).</param>
    /// <param name="dLogits">(N, V): receives dL/dlogits of the mean loss; may be the same span as <paramref name="probabilities"/>, but not partly over it.</param>
    /// <exception cref="ArgumentException">
    /// A length does not match, a target is out of range (checked before anything is written), or
    /// <paramref name="dLogits"/> partly overlaps <paramref name="probabilities"/>.
    /// </exception>
    public static void Backward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> targets, Span<T> dLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = targets.Length;
        ThrowHelper.CheckLength(dLogits.Length, probabilities.Length, nameof(dLogits));
        if (rows == 0 || probabilities.Length % rows != 0)
        {
            ThrowHelper.ThrowArgument($"probabilities ({probabilities.Length}) must hold a whole number of rows for {rows} targets.", nameof(probabilities));
        }

        int vocabularySize = probabilities.Length / rows;
        SpanOverlap.CheckSource(probabilities, dLogits, nameof(dLogits));
        ThrowHelper.CheckIds(targets, vocabularySize, "Target", "row", nameof(targets));   // a target ≥ V would write into the next row

        T scale = T.One / T.CreateChecked(rows);
        TensorPrimitives.Multiply(probabilities, scale, dLogits);
        for (int row = 0; row < rows; row++)
        {
            dLogits[row * vocabularySize + targets[row]] -= scale;
        }
    }
}
