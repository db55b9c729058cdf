using System.Runtime.Intrinsics;
using LstmSharp.Kernels;
using Xunit;

namespace LstmSharp.Tests.Kernels;

/// <summary>Which vector width the kernels run at, so the CI runs with the wider ISAs disabled prove they ran narrower.</summary>
public class SimdWidthTests
{
    /// <summary>
    /// With LSTMSHARP_EXPECT_VECTOR_BITS set (by .ci/run, beside DOTNET_EnableAVX512=0 or DOTNET_EnableAVX2=0), the kernels
    /// must run at exactly that width; without it, at the widest width the JIT accelerates.
    /// </summary>
    [Fact]
    public void Count_ThisProcess_IsTheExpectedWidth()
    {
        int bits = 32 * SimdWidth.Count<float>();
        string? expected = Environment.GetEnvironmentVariable("LSTMSHARP_EXPECT_VECTOR_BITS");
        int widest = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        Assert.Equal(expected is null ? widest : int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), bits);
        Assert.Equal(2 * SimdWidth.Count<double>(), SimdWidth.Count<float>());
    }

    [Fact]
    public void MicroColumns_VectorTypes_AreTwoVectors()
    {
        Assert.Equal(2 * SimdWidth.Count<float>(), Gemm.MicroColumns<float>());
        Assert.Equal(2 * SimdWidth.Count<double>(), Gemm.MicroColumns<double>());
        Assert.Equal(16, Gemm.MicroColumns<Half>());
    }

    [Fact]
    public void MultiplyAdd_Scalar_RoundsAsTheCpuFuses()
    {
        // (1 + 2⁻²³)² is 1 + 2⁻²² + 2⁻⁴⁶: a fused multiply-add keeps the 2⁻⁴⁶ that a separate multiply rounds away.
        float x = 1 + MathF.Pow(2, -23), addend = -(1 + MathF.Pow(2, -22));
        float expected = SimdWidth.IsFused ? MathF.FusedMultiplyAdd(x, x, addend) : x * x + addend;
        Assert.Equal(expected, SimdWidth.MultiplyAdd(x, x, addend));
        Assert.NotEqual(MathF.FusedMultiplyAdd(x, x, addend), x * x + addend);
    }
}
