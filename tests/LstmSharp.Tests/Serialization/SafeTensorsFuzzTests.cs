using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace LstmSharp.Tests.Serialization;

/// <summary>
/// Whatever is done to a file, reading it either succeeds with consistent tensors or throws
/// <see cref="System.IO.InvalidDataException"/>: never another exception, never a hang, never a header-driven allocation.
/// </summary>
public sealed class SafeTensorsFuzzTests
{
    [Property(Arbitrary = [typeof(SafeTensorsFuzzCases)], MaxTest = 6000)]
    public void Read_MutatedFile_LoadsOrThrowsInvalidData(MutatedFile file) =>
        SafeTensorsTestFiles.LoadsOrThrowsInvalidData(file.Bytes);

    [Property(Arbitrary = [typeof(SafeTensorsFuzzCases)], MaxTest = 6000)]
    public void Read_GeneratedHeader_LoadsOrThrowsInvalidData(GeneratedFile file) =>
        SafeTensorsTestFiles.LoadsOrThrowsInvalidData(file.Bytes);

    [Fact]
    public void Fuzzers_Samples_ExerciseBothSuccessAndRejection()
    {
        // Guards against a vacuous fuzzer: both generators must reach the success path as well as the error paths.
        int mutatedLoads = SafeTensorsFuzzCases.Files().Generator.Sample(1000).Count(file => SafeTensorsTestFiles.LoadsOrThrowsInvalidData(file.Bytes));
        int generatedLoads = SafeTensorsFuzzCases.Headers().Generator.Sample(1000).Count(file => SafeTensorsTestFiles.LoadsOrThrowsInvalidData(file.Bytes));

        Assert.InRange(mutatedLoads, 10, 900);   // typically ~60 in 1000
        Assert.InRange(generatedLoads, 40, 900);  // typically ~120 in 1000
    }
}

/// <summary>One of the base files after one to three <see cref="FileMutation"/>s.</summary>
/// <param name="BaseFile">Which of <see cref="SafeTensorsFuzzCases.BaseFiles"/>.</param>
/// <param name="Mutations">The damage, applied in order.</param>
public sealed record MutatedFile(int BaseFile, FileMutation[] Mutations)
{
    /// <summary>The damaged bytes.</summary>
    public byte[] Bytes => Mutations.Aggregate(SafeTensorsFuzzCases.BaseFiles[BaseFile], (file, mutation) => mutation.Apply(file));

    /// <inheritdoc/>
    public override string ToString() => $"MutatedFile({BaseFile}, [{string.Join(", ", Mutations.Select(mutation => mutation.ToString()))}])";
}

/// <summary>FsCheck generators for the fuzz tests.</summary>
public static class SafeTensorsFuzzCases
{
    private static readonly string[] s_numbers =
    [
        "0", "1", "2", "4", "8", "16", "24", "40", "-1", "-0", "1.5", "1e3", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "18446744073709551615", "18446744073709551616", "1000000000000000000000000000000", "null", "\"8\"", "[]", "{}",
    ];

    private static readonly string[] s_strings =
    [
        "\"F32\"", "\"F64\"", "\"I32\"", "\"I64\"", "\"BF16\"", "\"X\"", "\"\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"",
        "\"__metadata__\"", "\"w\"", "\"p\"", "\"lstmsharp.data_sha256\"", "\"\\ud800\"", "\"\\u0000\"", "1", "null", "{}", "[0,8]", "\"open",
    ];

    private static readonly string[] s_insertions =
    [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "null", " ", "ÿ", "\u0000", "/*", "[[[[[[[[[[[[[[[[[[[[[[[[", "\"x\":1,",
        "\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},",
    ];

    private static readonly ulong[] s_headerLengths =
    [
        0, 1, 2, 7, 8, 9, 100_000_000, 100_000_001, uint.MaxValue, long.MaxValue, ulong.MaxValue, ulong.MaxValue - 7,
    ];

    /// <summary>
    /// The files the mutations start from: the writer's four-dtype sample (with checksum), a hand-built file without a
    /// checksum (so damaged data can still load), an empty file, and one with a scalar and a zero-sized tensor.
    /// </summary>
    public static readonly byte[][] BaseFiles =
    [
        SafeTensorsTestFiles.WrittenSample(),
        SafeTensorsTestFiles.Build(
            "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"p\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[16,40]}}",
            [.. Enumerable.Range(1, 40).Select(value => (byte)value)]),
        LstmSharp.Serialization.SafeTensors.Serialize([]),
        LstmSharp.Serialization.SafeTensors.Serialize(
        [
            LstmSharp.Serialization.SafeTensor.Create<double>("scalar", [], [1.0]),
            LstmSharp.Serialization.SafeTensor.Create<float>("empty", [0, 2], []),
        ]),
    ];

    /// <summary>Damaged files.</summary>
    public static Arbitrary<MutatedFile> Files() =>
        (from baseFile in Gen.Choose(0, BaseFiles.Length - 1)
         from count in Gen.Choose(1, 3)
         from mutations in Gen.ArrayOf(Mutation(), count)
         select new MutatedFile(baseFile, mutations))
        .ToArbitrary();

    /// <summary>Files with composed headers.</summary>
    public static Arbitrary<GeneratedFile> Headers() =>
        Gen.Choose(0, int.MaxValue).Select(seed => new GeneratedFile(seed)).ToArbitrary();

    /// <summary>One random mutation of any kind.</summary>
    public static Gen<FileMutation> Mutation() =>
        Gen.Frequency(
            (4, Gen.Choose(0, int.MaxValue).Select(position => (FileMutation)new FlipBit(position))),
            (2, from position in Gen.Choose(0, int.MaxValue)
                from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(value => (byte)value), 1 + position % 8)
                select (FileMutation)new OverwriteBytes(position, bytes)),
            (1, Gen.Choose(0, int.MaxValue).Select(length => (FileMutation)new Truncate(length))),
            (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(value => (byte)value)).Select(bytes => (FileMutation)new AppendBytes(bytes))),
            (2, Gen.OneOf(
                    Gen.Elements(s_headerLengths),
                    Gen.Choose(0, 4096).Select(value => (ulong)value),
                    Gen.Two(Gen.Choose(int.MinValue, int.MaxValue)).Select(pair => ((ulong)(uint)pair.Item1 << 32) | (uint)pair.Item2))
                .Select(length => (FileMutation)new SetHeaderLength(length))),
            (8, from kind in Gen.Elements(HeaderEditKind.ReplaceNumber, HeaderEditKind.ReplaceString, HeaderEditKind.Insert, HeaderEditKind.Delete)
                from index in Gen.Choose(0, int.MaxValue)
                from text in kind switch
                {
                    HeaderEditKind.ReplaceNumber => Gen.Elements(s_numbers),
                    HeaderEditKind.ReplaceString => Gen.Elements(s_strings),
                    HeaderEditKind.Insert => Gen.Elements(s_insertions),
                    _ => Gen.Elements("", "x", "xxxx", "xxxxxxxxxxxxxxxx"),
                }
                select (FileMutation)new EditHeader(kind, index, text)));
}
