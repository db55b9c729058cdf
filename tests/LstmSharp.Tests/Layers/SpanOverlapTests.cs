using LstmSharp.Layers;
using Xunit;

namespace LstmSharp.Tests.Layers;

/// <summary>
/// Every public span API of Layers, as TensorPrimitives behaves: a destination that is exactly a source gives the same
/// result as separate buffers where the operation allows it; a partial overlap, or two overlapping destinations, is an
/// <see cref="ArgumentException"/> naming the destination, thrown before anything is written.
/// </summary>
public sealed class SpanOverlapTests
{
    private const int Input = 6, Hidden = 6, Steps = 2, Batch = 2;   // I = H, so a cell's input and output can be the same span
    private const int Width = Batch * Hidden, Rows = Steps * Batch;

    public static TheoryData<CellType> Cells() => [CellType.Lstm, CellType.Gru, CellType.Rnn];

    [Theory]
    [MemberData(nameof(Cells))]
    public void CellForward_OutputExactlyTheInput_SameAsSeparate(CellType cellType)
    {
        double[] input = Values(Rows * Input, 1), h0 = Values(Width, 2);
        var expected = new double[Rows * Hidden];
        Create(cellType).Forward(input, h0, [], Steps, Batch, expected, [], []);

        double[] shared = [.. input];
        Create(cellType).Forward(shared, h0, [], Steps, Batch, shared, [], []);

        Assert.Equal(expected, shared);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void CellForward_FinalStateExactlyTheInitial_SameAsSeparate(CellType cellType)
    {
        bool lstm = cellType == CellType.Lstm;
        double[] input = Values(Rows * Input, 1), h0 = Values(Width, 2), c0 = lstm ? Values(Width, 3) : [];
        var output = new double[Rows * Hidden];
        var hN = new double[Width];
        double[] cN = lstm ? new double[Width] : [];
        Create(cellType).Forward(input, h0, c0, Steps, Batch, output, hN, cN);

        double[] hidden = [.. h0], cell = [.. c0];
        Create(cellType).Forward(input, hidden, cell, Steps, Batch, new double[output.Length], hidden, cell);

        Assert.Equal(hN, hidden);
        Assert.Equal(cN, cell);
        Assert.Equal(output.AsSpan((Steps - 1) * Width).ToArray(), hN);   // h_T is the last row of the output
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void CellForward_PartialOverlap_ThrowsNamingTheDestination(CellType cellType)
    {
        RecurrentCell<double> cell = Create(cellType);
        var buffer = new double[Rows * Input + Width + 1];
        double[] h0 = Values(Width, 2);
        var output = new double[Rows * Hidden];

        // output one element past the input's start
        AssertNames("output", () => cell.Forward(buffer.AsSpan(0, Rows * Input), [], [], Steps, Batch, buffer.AsSpan(1, Rows * Hidden), [], []));
        // hN inside the output (its last row), and hN one element into h0
        AssertNames("hN", () => cell.Forward(buffer.AsSpan(0, Rows * Input), [], [], Steps, Batch, output, output.AsSpan((Steps - 1) * Width), []));
        AssertNames("hN", () => cell.Forward(buffer.AsSpan(0, Rows * Input), buffer.AsSpan(0, Width), [], Steps, Batch, output, buffer.AsSpan(1, Width), []));
        // hN partly over the input
        AssertNames("hN", () => cell.Forward(buffer.AsSpan(0, Rows * Input), [], [], Steps, Batch, output, buffer.AsSpan(Rows * Input - 1, Width), []));
        Assert.All(output, value => Assert.Equal(0, value));   // nothing was written
        if (cellType == CellType.Lstm)
        {
            AssertNames("cN", () => cell.Forward(buffer.AsSpan(0, Rows * Input), [], h0, Steps, Batch, output, [], output.AsSpan(0, Width)));
            AssertNames("cN", () => cell.Forward(buffer.AsSpan(0, Rows * Input), buffer.AsSpan(0, Width), buffer.AsSpan(Width, Width), Steps, Batch, output, [], buffer.AsSpan(Width - 1, Width)));
        }
        else
        {
            AssertNames("c0", () => cell.Forward(buffer.AsSpan(0, Rows * Input), [], h0, Steps, Batch, output, [], []));
            AssertNames("cN", () => cell.Forward(buffer.AsSpan(0, Rows * Input), [], [], Steps, Batch, output, [], new double[Width]));
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void CellForwardIds_PartialOverlapOfStates_ThrowsNamingTheDestination(CellType cellType)
    {
        RecurrentCell<double> cell = Create(cellType);
        int[] ids = [0, 1, 2, 3];
        var state = new double[Width + 1];
        var output = new double[Rows * Hidden];

        AssertNames("hN", () => cell.Forward(ids, state.AsSpan(0, Width), [], Steps, Batch, output, state.AsSpan(1, Width), []));
        AssertNames("output", () => cell.Forward(ids, output.AsSpan(0, Width), [], Steps, Batch, output, [], []));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void CellBackward_ExactReuse_SameAsSeparate(CellType cellType)
    {
        bool lstm = cellType == CellType.Lstm;
        double[] dOutput = Values(Rows * Hidden, 4), dhN = Values(Width, 5), dcN = lstm ? Values(Width, 6) : [];
        (double[] dInput, double[] dh0, double[] dc0, double[] gradients) = RunBackward(cellType, dOutput, dhN, dcN, shared: false);
        (double[] sharedInput, double[] sharedHidden, double[] sharedCell, double[] sharedGradients) = RunBackward(cellType, dOutput, dhN, dcN, shared: true);

        Assert.Equal(dInput, sharedInput);
        Assert.Equal(dh0, sharedHidden);
        Assert.Equal(dc0, sharedCell);
        Assert.Equal(gradients, sharedGradients);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void CellBackward_PartialOverlap_ThrowsNamingTheDestination(CellType cellType)
    {
        RecurrentCell<double> cell = Create(cellType);
        cell.Forward(Values(Rows * Input, 1), [], [], Steps, Batch, new double[Rows * Hidden], [], []);
        var buffer = new double[Rows * Hidden + 1];
        double[] gradients = [.. cell.Gradients];

        AssertNames("dInput", () => cell.Backward(buffer.AsSpan(0, Rows * Hidden), [], [], buffer.AsSpan(1, Rows * Input), [], []));
        AssertNames("dh0", () => cell.Backward(buffer.AsSpan(0, Rows * Hidden), [], [], [], buffer.AsSpan(Width, Width), []));
        AssertNames("dh0", () => cell.Backward(new double[Rows * Hidden], buffer.AsSpan(0, Width), [], [], buffer.AsSpan(1, Width), []));
        AssertNames("dh0", () => cell.Backward(new double[Rows * Hidden], [], [], buffer.AsSpan(0, Rows * Input), buffer.AsSpan(0, Width), []));
        if (cellType == CellType.Lstm)
        {
            AssertNames("dc0", () => cell.Backward(new double[Rows * Hidden], [], [], [], buffer.AsSpan(0, Width), buffer.AsSpan(Width - 1, Width)));
        }
        else
        {
            AssertNames("dcN", () => cell.Backward(new double[Rows * Hidden], [], new double[Width], [], [], []));
            AssertNames("dc0", () => cell.Backward(new double[Rows * Hidden], [], [], [], [], new double[Width]));
        }

        Assert.Equal(gradients, cell.Gradients);   // nothing was added
    }

    [Fact]
    public void CellForward_WindowTooLargeForAnArray_ThrowsBeforeItsLengthChecksCanWrap()
    {
        // 65,536 · 65,536 · 6 wraps to 0 in 32 bits, which would match an empty output.
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Create(CellType.Rnn).Forward(ReadOnlySpan<int>.Empty, [], [], 65_536, 65_536, [], [], []));
        Assert.Equal("sequenceLength", exception.ParamName);
    }

    [Fact]
    public void Linear_RowsTooManyForAnArray_ThrowsBeforeItsLengthChecksCanWrap()
    {
        var linear = new Linear<float>(4, 4);   // 2³⁰ · 4 wraps to 0 in 32 bits
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => linear.Forward([], 1 << 30, [])).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => linear.Backward([], [], 1 << 30, [])).ParamName);
    }

    [Fact]
    public void LinearForward_AnyOverlap_ThrowsNamingOutput()
    {
        var linear = new Linear<double>(4, 4, seed: 1);
        var buffer = new double[9];

        AssertNames("output", () => linear.Forward(buffer.AsSpan(0, 8), 2, buffer.AsSpan(0, 8)));   // exact: the bias would overwrite the input
        AssertNames("output", () => linear.Forward(buffer.AsSpan(0, 8), 2, buffer.AsSpan(1, 8)));
    }

    [Fact]
    public void LinearBackward_DInputExactlyTheInput_SameAsSeparate()
    {
        double[] input = Values(8, 1), dOutput = Values(6, 2);
        var separate = new Linear<double>(4, 3, seed: 3);
        var dInput = new double[8];
        separate.Backward(input, dOutput, 2, dInput);

        var inPlace = new Linear<double>(4, 3, seed: 3);
        double[] shared = [.. input];
        inPlace.Backward(shared, dOutput, 2, shared);

        Assert.Equal(dInput, shared);
        Assert.Equal(separate.Gradients, inPlace.Gradients);
    }

    [Fact]
    public void LinearBackward_Overlap_ThrowsNamingDInput()
    {
        var linear = new Linear<double>(4, 4, seed: 1);
        var buffer = new double[17];

        AssertNames("dInput", () => linear.Backward(buffer.AsSpan(0, 8), new double[8], 2, buffer.AsSpan(1, 8)));
        AssertNames("dInput", () => linear.Backward(new double[8], buffer.AsSpan(0, 8), 2, buffer.AsSpan(0, 8)));   // exact over dOutput: it is still read
        AssertNames("dInput", () => linear.Backward(new double[8], buffer.AsSpan(0, 8), 2, buffer.AsSpan(7, 8)));
        Assert.All(linear.Gradients, value => Assert.Equal(0, value));
    }

    [Fact]
    public void SoftmaxLoss_PartialOverlap_ThrowsNamingTheDestination()
    {
        var buffer = new double[7];
        AssertNames("probabilities", () => SoftmaxLoss.Forward<double>(buffer.AsSpan(0, 6), [0, 1], buffer.AsSpan(1, 6)));
        AssertNames("dLogits", () => SoftmaxLoss.Backward<double>(buffer.AsSpan(1, 6), [0, 1], buffer.AsSpan(0, 6)));
    }

    private static (double[] DInput, double[] Dh0, double[] Dc0, double[] Gradients) RunBackward(CellType cellType, double[] dOutput, double[] dhN,
        double[] dcN, bool shared)
    {
        RecurrentCell<double> cell = Create(cellType);
        bool lstm = cellType == CellType.Lstm;
        cell.Forward(Values(Rows * Input, 1), Values(Width, 2), lstm ? Values(Width, 3) : [], Steps, Batch, new double[Rows * Hidden], [], []);
        if (!shared)
        {
            var dInput = new double[Rows * Input];
            var dh0 = new double[Width];
            double[] dc0 = lstm ? new double[Width] : [];
            cell.Backward(dOutput, dhN, dcN, dInput, dh0, dc0);
            return (dInput, dh0, dc0, [.. cell.Gradients]);
        }

        double[] output = [.. dOutput], hidden = [.. dhN], cellState = [.. dcN];
        cell.Backward(output, hidden, cellState, output, hidden, cellState);   // dInput over dOutput (I = H), dh0 over dhN, dc0 over dcN
        return (output, hidden, cellState, [.. cell.Gradients]);
    }

    private static RecurrentCell<double> Create(CellType cellType) => cellType switch
    {
        CellType.Lstm => new LstmCell<double>(Input, Hidden, seed: 7),
        CellType.Gru => new GruCell<double>(Input, Hidden, seed: 7),
        _ => new RnnCell<double>(Input, Hidden, seed: 7),
    };

    private static void AssertNames(string paramName, Action action) =>
        Assert.Equal(paramName, Assert.Throws<ArgumentException>(action).ParamName);

    private static double[] Values(int count, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1)];
    }
}
