using LstmSharp.Layers;
using Xunit;

namespace LstmSharp.Tests.Layers;

public sealed class CellTypeNamesTests
{
    [Theory]
    [InlineData(CellType.Lstm, "lstm")]
    [InlineData(CellType.Gru, "gru")]
    [InlineData(CellType.Rnn, "rnn")]
    public void ToNameAndTryParse_EachCell_RoundTrip(CellType cell, string name)
    {
        Assert.Equal(name, CellTypeNames.ToName(cell));
        Assert.True(CellTypeNames.TryParse(name.ToUpperInvariant(), out CellType parsed));
        Assert.Equal(cell, parsed);
    }

    [Theory]
    [InlineData("transformer")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownName_ReturnsFalse(string? name) => Assert.False(CellTypeNames.TryParse(name, out _));

    [Fact]
    public void ToName_UndefinedValue_ThrowsNamingTheArgument() =>
        Assert.Equal("cell", Assert.Throws<ArgumentOutOfRangeException>(() => CellTypeNames.ToName((CellType)9)).ParamName);
}
