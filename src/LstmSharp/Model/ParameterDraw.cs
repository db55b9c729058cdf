using System.Numerics;

namespace LstmSharp.Model;

/// <summary>
/// The draw behind every <see cref="Initialization"/>, written once for the cells, the head and the model: one tensor at
/// a time from one <see cref="SeededRandom"/> stream, so a model draws its tensors in state-dict order from one seed.
/// </summary>
internal static class ParameterDraw
{
    /// <summary>Fills <paramref name="values"/> with <paramref name="initialization"/>'s distribution for one tensor.</summary>
    /// <param name="values">The tensor.</param>
    /// <param name="initialization">The scheme.</param>
    /// <param name="fanIn">PyTorch's bound is 1/√fanIn: H for every recurrent tensor, <c>in_features</c> for a linear layer.</param>
    /// <param name="isBias">Whether the tensor is a bias (min-char-rnn zeroes every bias).</param>
    /// <param name="isSecondBias">Whether it is the second bias of a recurrent gate, b_hh (the article zeroes it, so each gate's bias keeps its variance).</param>
    /// <param name="random">The stream, advanced by one draw per element.</param>
    public static void Fill<T>(Span<T> values, Initialization initialization, int fanIn, bool isBias, bool isSecondBias, SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (initialization is Initialization.ArticleNormal or Initialization.MinCharRnnNormal)
        {
            bool zero = isBias && (initialization == Initialization.MinCharRnnNormal || isSecondBias);
            for (int index = 0; index < values.Length; index++)
            {
                values[index] = zero ? T.Zero : T.CreateChecked(0.01 * random.NextNormal());
            }
        }
        else
        {
            double bound = 1.0 / Math.Sqrt(fanIn);
            for (int index = 0; index < values.Length; index++)
            {
                values[index] = T.CreateChecked((2.0 * random.NextDouble() - 1.0) * bound);
            }
        }
    }

    /// <summary>The checks of every public <c>Initialize</c>: a defined scheme, and a buffer of one's own (an inference view reads another's).</summary>
    public static void CheckInitialize(Initialization initialization, bool isInferenceView, string paramName)
    {
        if (!Enum.IsDefined(initialization))
        {
            ThrowHelper.ThrowOutOfRange(paramName, initialization, "Unknown initialization scheme.");
        }

        if (isInferenceView)
        {
            throw new InvalidOperationException("This is an inference view that reads another's parameters: initialise the one it reads.");
        }
    }
}
