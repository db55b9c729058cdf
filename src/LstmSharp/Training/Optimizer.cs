using System.Collections.ObjectModel;
using System.Numerics;

namespace LstmSharp.Training;

/// <summary>
/// Updates a model's flat parameter buffers from their gradient buffers, with <c>torch.optim</c>'s update rules.
/// An optimizer binds to the same arrays for its whole life and allocates every state buffer (moments, momentum,
/// accumulators) once, in its constructor, so <see cref="Step"/> allocates nothing.
/// </summary>
/// <typeparam name="T">The element type of the parameters.</typeparam>
/// <remarks>
/// A checkpoint saved with a trainer holds the optimizer's state (arrays named after PyTorch's per-parameter state,
/// plus "." and the buffer index) and its step count, so a resumed run continues bit for bit; the hyper-parameters are
/// the constructor's arguments (or <see cref="TrainingOptions"/>'s). An optimizer is not thread-safe.
/// <para>
/// The set of optimizers is closed: the ones <see cref="OptimizerKind"/> names, each a checkpoint can save and restore.
/// Each writes its update rule once, as a struct that the library's one element-wise driver runs over 512-, 256- and
/// 128-bit vectors and a scalar tail (docs/math.md derives the rules).
/// </para>
/// </remarks>
public abstract class Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (T[] Parameters, T[] Gradients)[] _buffers;
    private readonly List<(string Name, T[] Values)> _state = [];

    /// <summary>Binds to <paramref name="buffers"/>; derived constructors then create their state with <see cref="CreateState"/>.</summary>
    /// <param name="buffers">The parameter buffers and their gradient buffers, for example <c>CharModel.ParameterBuffers</c>; each pair has one length.</param>
    /// <param name="kind">Which algorithm the derived class is.</param>
    /// <param name="weightDecay">λ, validated here for every optimizer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffers"/> or one of its arrays is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A gradient buffer's length differs from its parameter buffer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is negative or not finite.</exception>
    private protected Optimizer(IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers, OptimizerKind kind, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        _buffers = new (T[] Parameters, T[] Gradients)[buffers.Count];
        for (int index = 0; index < _buffers.Length; index++)
        {
            (T[] parameters, T[] gradients) = buffers[index];
            if (parameters is null || gradients is null)
            {
                ThrowHelper.ThrowNull(nameof(buffers), $"Buffer pair {index} holds a null array.");
            }

            if (parameters.Length != gradients.Length)
            {
                ThrowHelper.ThrowArgument(
                    $"Buffer pair {index}: {gradients.Length} gradients for {parameters.Length} parameters.", nameof(buffers));
            }

            _buffers[index] = (parameters, gradients);
        }

        ThrowHelper.CheckNonNegative(weightDecay);
        State = new ReadOnlyCollection<(string Name, T[] Values)>(_state);
        Kind = kind;
        WeightDecay = weightDecay;
    }

    /// <summary>The number of <see cref="Step"/> calls so far: Adam's t after the step, PyTorch's <c>state["step"]</c>.</summary>
    internal long StepCount { get; private set; }

    /// <summary>Which algorithm this is.</summary>
    internal OptimizerKind Kind { get; }

    /// <summary>
    /// λ, PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient (g = ∇ + λθ), except for
    /// <see cref="OptimizerKind.AdamW"/>, where it is decoupled and shrinks θ directly (θ = θ·(1 − γλ)).
    /// </summary>
    internal double WeightDecay { get; }

    /// <summary>
    /// Every state tensor, named as PyTorch names it plus "." and the buffer index (<c>exp_avg.0</c>, <c>exp_avg_sq.0</c>,
    /// <c>momentum_buffer.2</c>, <c>sum.1</c>, <c>square_avg.0</c>, <c>grad_avg.0</c>). The arrays are the live state:
    /// copy into them to restore a checkpoint. Each has its buffer's length.
    /// </summary>
    internal IReadOnlyList<(string Name, T[] Values)> State { get; }

    /// <summary>The bound buffers, in the order given to the constructor.</summary>
    private protected ReadOnlySpan<(T[] Parameters, T[] Gradients)> Buffers => _buffers;

    /// <summary>Applies one update to every parameter buffer from its gradient buffer, then counts the step. Allocates nothing.</summary>
    /// <param name="learningRate">γ, PyTorch's <c>lr</c> for this step (a schedule may change it every step).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, infinite or NaN.</exception>
    public void Step(double learningRate)
    {
        ThrowHelper.CheckNonNegative(learningRate);
        Update(learningRate, StepCount + 1);
        StepCount++;
    }

    /// <summary>Sets <see cref="StepCount"/>, with <see cref="State"/> copied back, to resume from a checkpoint.</summary>
    /// <param name="stepCount">The saved step count.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/> is negative.</exception>
    internal void RestoreStepCount(long stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        StepCount = stepCount;
    }

    /// <summary>Creates an optimizer of <paramref name="kind"/> with PyTorch's default hyper-parameters (users build one with <see cref="TrainingOptions.CreateOptimizer{T}"/> or a constructor).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    internal static Optimizer<T> Create(OptimizerKind kind, IReadOnlyList<(T[] Parameters, T[] Gradients)> buffers) => kind switch
    {
        OptimizerKind.Sgd => new Sgd<T>(buffers),
        OptimizerKind.Adagrad => new Adagrad<T>(buffers),
        OptimizerKind.RmsProp => new RmsProp<T>(buffers),
        OptimizerKind.Adam => new Adam<T>(buffers),
        OptimizerKind.AdamW => new AdamW<T>(buffers),
        _ => ThrowHelper.ThrowOutOfRange<Optimizer<T>>(nameof(kind), kind, "Unknown optimizer kind."),
    };

    /// <summary>Applies one update to every buffer. Must not allocate.</summary>
    /// <param name="learningRate">γ for this step, validated.</param>
    /// <param name="stepNumber">t: 1 on the first step.</param>
    private protected abstract void Update(double learningRate, long stepNumber);

    /// <summary>Allocates one state array the length of buffer <paramref name="bufferIndex"/> and lists it in <see cref="State"/>. Call from constructors only.</summary>
    /// <param name="name">PyTorch's state name, such as <c>exp_avg</c>.</param>
    /// <param name="bufferIndex">The buffer the state belongs to.</param>
    /// <param name="initialValue">The value every element starts at.</param>
    /// <returns>The new array, named <c>{name}.{bufferIndex}</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferIndex"/> is out of range.</exception>
    private protected T[] CreateState(string name, int bufferIndex, T initialValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(bufferIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bufferIndex, _buffers.Length);
        var values = new T[_buffers[bufferIndex].Parameters.Length];
        if (initialValue != T.Zero)
        {
            values.AsSpan().Fill(initialValue);
        }

        _state.Add((string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}.{bufferIndex}"), values));
        return values;
    }

    /// <summary>Allocates one state array per buffer (see <see cref="CreateState(string, int, T)"/>).</summary>
    /// <param name="name">PyTorch's state name.</param>
    /// <param name="initialValue">The value every element starts at.</param>
    /// <returns>The arrays, indexed like the buffers.</returns>
    private protected T[][] CreateStates(string name, T initialValue)
    {
        var states = new T[_buffers.Length][];
        for (int index = 0; index < states.Length; index++)
        {
            states[index] = CreateState(name, index, initialValue);
        }

        return states;
    }
}
