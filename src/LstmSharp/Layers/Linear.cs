using System.Numerics;
using System.Numerics.Tensors;
using LstmSharp.Kernels;
using LstmSharp.Model;

namespace LstmSharp.Layers;

/// <summary>
/// The projection head, PyTorch's <c>nn.Linear</c>: <c>y = x·Wᵀ + b</c> with W (out, in) and b (out).
/// Parameters live in one flat buffer (weight then bias); gradients in the same layout.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Linear<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Creates a projection and draws its parameters, as <c>nn.Linear(inputSize, outputSize)</c> does: by default
    /// PyTorch's U(−1/√in, 1/√in) for weight and bias, from <paramref name="seed"/>.
    /// </summary>
    /// <param name="inputSize">Features in (PyTorch's <c>in_features</c>).</param>
    /// <param name="outputSize">Features out (PyTorch's <c>out_features</c>).</param>
    /// <param name="initialization">The scheme; see <see cref="Initialize"/>.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="initialization"/> is not a defined scheme.</exception>
    public Linear(int inputSize, int outputSize, Initialization initialization = Initialization.PyTorchUniform, ulong seed = 0)
        : this(inputSize, outputSize, null)
    {
        Initialize(initialization, seed);
    }

    /// <summary>A projection with zero parameters (a model's head), or over <paramref name="sharedParameters"/>, read in place (an inference view), when given.</summary>
    internal Linear(int inputSize, int outputSize, T[]? sharedParameters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        InputSize = inputSize;
        OutputSize = outputSize;
        Parameters = sharedParameters ?? new T[outputSize * inputSize + outputSize];
        Gradients = sharedParameters is null ? new T[Parameters.Length] : [];
    }

    /// <summary>Features in.</summary>
    public int InputSize { get; }

    /// <summary>Features out.</summary>
    public int OutputSize { get; }

    /// <summary>weight (out, in) followed by bias (out).</summary>
    public T[] Parameters { get; }

    /// <summary>Gradients in the layout of <see cref="Parameters"/>.</summary>
    public T[] Gradients { get; }

    /// <summary><c>weight</c>, shape (out, in).</summary>
    public Span<T> Weight => Parameters.AsSpan(0, OutputSize * InputSize);

    /// <summary><c>bias</c>, shape (out).</summary>
    public Span<T> Bias => Parameters.AsSpan(OutputSize * InputSize, OutputSize);

    /// <summary>The named tensors, <c>weight</c> and <c>bias</c>, with offsets and shapes.</summary>
    internal IReadOnlyList<TensorSpec> Tensors =>
    [
        new("weight", 0, [OutputSize, InputSize]),
        new("bias", OutputSize * InputSize, [OutputSize]),
    ];

    /// <summary>
    /// Draws weight and bias again, in that order from one stream: <see cref="Initialization.PyTorchUniform"/> draws both
    /// from U(−1/√in, 1/√in) as <c>nn.Linear</c> does; <see cref="Initialization.ArticleNormal"/> both from N(0, 0.01²);
    /// <see cref="Initialization.MinCharRnnNormal"/> the weight from N(0, 0.01²) and a zero bias.
    /// </summary>
    /// <param name="initialization">The scheme.</param>
    /// <param name="seed">The seed: the same seed gives the same parameters.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialization"/> is not a defined scheme.</exception>
    /// <exception cref="InvalidOperationException">This projection is an inference view of another's parameters.</exception>
    public void Initialize(Initialization initialization, ulong seed)
    {
        ParameterDraw.CheckInitialize(initialization, isInferenceView: Gradients.Length == 0, nameof(initialization));
        Draw(initialization, new SeededRandom(seed));
    }

    /// <summary>Draws weight then bias from <paramref name="random"/> (the model's stream, or the projection's own).</summary>
    internal void Draw(Initialization initialization, SeededRandom random)
    {
        ParameterDraw.Fill(Weight, initialization, InputSize, isBias: false, isSecondBias: false, random);
        ParameterDraw.Fill(Bias, initialization, InputSize, isBias: true, isSecondBias: false, random);
    }

    /// <summary>Effectively computes <c>output[r, j] = Σ_k input[r, k] · weight[j, k] + bias[j]</c>.</summary>
    /// <param name="input">(rows, in).</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="output">(rows, out): overwritten. Must not overlap <paramref name="input"/> (the bias is written first).</param>
    /// <exception cref="ArgumentException">A length does not match, or <paramref name="output"/> overlaps <paramref name="input"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is negative, or too large for one array.</exception>
    public void Forward(ReadOnlySpan<T> input, int rows, Span<T> output)
    {
        CheckRows(rows);
        ThrowHelper.CheckLength(input.Length, rows * InputSize, nameof(input));
        ThrowHelper.CheckLength(output.Length, rows * OutputSize, nameof(output));
        SpanOverlap.CheckDisjoint(input, output, nameof(output), nameof(input));
        for (int row = 0; row < rows; row++)
        {
            Bias.CopyTo(output.Slice(row * OutputSize, OutputSize));
        }

        Gemm.MultiplyTransposedBAdd<T>(input, Weight, rows, InputSize, OutputSize, output);
    }

    /// <summary>
    /// The reverse of <see cref="Forward"/>: effectively adds <c>dOutputᵀ·input</c> into dL/dweight and the column
    /// sums of <paramref name="dOutput"/> into dL/dbias (in <see cref="Gradients"/>), and computes
    /// <c>dInput = dOutput·weight</c>.
    /// </summary>
    /// <param name="input">(rows, in): the input the forward pass saw.</param>
    /// <param name="dOutput">(rows, out): dL/dy.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="dInput">
    /// (rows, in): receives dL/dx. May be the same span as <paramref name="input"/> (read first, for the weight
    /// gradient); must not overlap <paramref name="dOutput"/>.
    /// </param>
    /// <exception cref="ArgumentException">
    /// A length does not match, <paramref name="dInput"/> partly overlaps <paramref name="input"/>, or it overlaps <paramref name="dOutput"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is negative, or too large for one array.</exception>
    /// <exception cref="InvalidOperationException">This projection is an inference view and has no gradients.</exception>
    public void Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> dOutput, int rows, Span<T> dInput)
    {
        CheckRows(rows);
        if (Gradients.Length == 0)
        {
            throw new InvalidOperationException("This projection is an inference view of another's parameters and cannot be trained.");
        }

        ThrowHelper.CheckLength(input.Length, rows * InputSize, nameof(input));
        ThrowHelper.CheckLength(dOutput.Length, rows * OutputSize, nameof(dOutput));
        ThrowHelper.CheckLength(dInput.Length, rows * InputSize, nameof(dInput));
        SpanOverlap.CheckSource(input, dInput, nameof(dInput));
        SpanOverlap.CheckDisjoint(dOutput, dInput, nameof(dInput), nameof(dOutput));
        Span<T> dWeight = Gradients.AsSpan(0, OutputSize * InputSize);
        Span<T> dBias = Gradients.AsSpan(OutputSize * InputSize, OutputSize);
        Gemm.MultiplyTransposedAAdd(dOutput, input, OutputSize, rows, InputSize, dWeight);
        for (int row = 0; row < rows; row++)
        {
            TensorPrimitives.Add(dBias, dOutput.Slice(row * OutputSize, OutputSize), dBias);
        }

        dInput.Clear();
        Gemm.MultiplyAdd<T>(dOutput, Weight, rows, OutputSize, InputSize, dInput);
    }

    /// <summary>rows is not negative, and rows·max(in, out) fits an array, so the length checks cannot wrap.</summary>
    private void CheckRows(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if ((long)rows * Math.Max(InputSize, OutputSize) > Array.MaxLength)
        {
            ThrowHelper.ThrowOutOfRange(nameof(rows), rows, "Too many rows for one array at this layer's size.");
        }
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Array.Clear(Gradients);
}
