using LstmSharp.Layers;
using LstmSharp.Model;
using Xunit;

namespace LstmSharp.Tests.Layers;

/// <summary>A new cell draws its own parameters, as <c>nn.LSTM</c> does, from a seed, by the same code as <see cref="CharModel{T}.Initialize"/>.</summary>
public sealed class CellInitializationTests
{
    public static TheoryData<CellType> Cells() => [CellType.Lstm, CellType.Gru, CellType.Rnn];

    [Theory]
    [MemberData(nameof(Cells))]
    public void Constructor_Default_PyTorchUniformWithinOneOverSqrtH(CellType cellType)
    {
        RecurrentCell<double> cell = Create<double>(cellType, 7, 36, Initialization.PyTorchUniform, 3);
        double bound = 1.0 / 6;

        foreach (double[] tensor in new[] { cell.WeightIh.ToArray(), cell.WeightHh.ToArray(), cell.BiasIh.ToArray(), cell.BiasHh.ToArray() })
        {
            Assert.All(tensor, value => Assert.InRange(value, -bound, bound));
            Assert.True(tensor.Max() > 0.8 * bound && tensor.Min() < -0.8 * bound, "every tensor spans U(−1/√H, 1/√H)");
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Constructor_ArticleNormal_WeightsAndBiasIhFromNormalOfStd001_BiasHhZero(CellType cellType)
    {
        RecurrentCell<double> cell = Create<double>(cellType, 20, 40, Initialization.ArticleNormal, 1);

        Assert.All(cell.BiasHh.ToArray(), value => Assert.Equal(0, value));
        double[] drawn = [.. cell.WeightIh.ToArray(), .. cell.WeightHh.ToArray(), .. cell.BiasIh.ToArray()];
        Assert.InRange(drawn.Average(), -0.0005, 0.0005);
        Assert.InRange(Math.Sqrt(drawn.Select(value => value * value).Average()), 0.0097, 0.0103);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Constructor_Seed_SameSeedSameCell_FloatIsDoubleRounded(CellType cellType)
    {
        RecurrentCell<double> first = Create<double>(cellType, 5, 9, Initialization.PyTorchUniform, 11);
        RecurrentCell<double> again = Create<double>(cellType, 5, 9, Initialization.PyTorchUniform, 11);
        RecurrentCell<double> other = Create<double>(cellType, 5, 9, Initialization.PyTorchUniform, 12);
        RecurrentCell<float> single = Create<float>(cellType, 5, 9, Initialization.PyTorchUniform, 11);

        Assert.Equal(first.Parameters, again.Parameters);
        Assert.NotEqual(first.Parameters, other.Parameters);
        Assert.Equal(first.Parameters.Select(value => (float)value), single.Parameters);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Initialize_SameAsAOneLayerModelsLayer(CellType cellType)
    {
        // One draw, written once: the model's first layer is what a cell alone draws from the same seed and scheme.
        foreach (Initialization scheme in Enum.GetValues<Initialization>())
        {
            var model = new CharModel<double>(cellType, 6, 10);
            model.Initialize(scheme, 42);
            RecurrentCell<double> cell = Create<double>(cellType, 6, 10, scheme, 42);

            Assert.Equal(cell.Parameters, model.Layers[0].Parameters);
        }
    }

    [Fact]
    public void Initialize_Again_ReplacesEveryParameter()
    {
        var cell = new LstmCell<double>(3, 4, seed: 1);
        double[] before = [.. cell.Parameters];

        cell.Initialize(Initialization.MinCharRnnNormal, 1);

        Assert.All(cell.BiasIh.ToArray().Concat(cell.BiasHh.ToArray()), value => Assert.Equal(0, value));
        Assert.All(cell.WeightIh.ToArray(), value => Assert.DoesNotContain(value, before));
    }

    [Fact]
    public void Constructor_UndefinedScheme_ThrowsNamingInitialization()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new GruCell<float>(2, 3, (Initialization)9));
        Assert.Equal("initialization", exception.ParamName);
        Assert.Equal("initialization",
            Assert.Throws<ArgumentOutOfRangeException>(() => new CharModel<float>(CellType.Rnn, 2, 3).Initialize((Initialization)9, 0)).ParamName);
    }

    private static RecurrentCell<T> Create<T>(CellType cellType, int inputSize, int hiddenSize, Initialization scheme, ulong seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => cellType switch
        {
            CellType.Lstm => new LstmCell<T>(inputSize, hiddenSize, scheme, seed),
            CellType.Gru => new GruCell<T>(inputSize, hiddenSize, scheme, seed),
            _ => new RnnCell<T>(inputSize, hiddenSize, scheme, seed),
        };
}
