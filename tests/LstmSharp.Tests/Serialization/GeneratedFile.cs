using System.Globalization;
using System.Text;

namespace LstmSharp.Tests.Serialization;

/// <summary>
/// A safetensors file whose header is composed at random from plausible and hostile parts: valid and bad dtypes,
/// small and huge dimensions, contiguous, overlapping, gapped, reversed or out-of-range offsets, duplicate names,
/// missing and extra fields, non-string metadata, a data section of the right or wrong length, and now and then a
/// wrong header length. About one file in eight is valid.
/// </summary>
/// <param name="Seed">Seeds every choice, so a failing case replays exactly.</param>
public sealed record GeneratedFile(int Seed)
{
    private static readonly string[] s_dtypes = ["F32", "F64", "I32", "I64", "F32", "F64", "I64", "BF16", "X", ""];
    private static readonly long[] s_hugeDimensions = [2147483647, 2147483648, 4294967296, -1, 65536];
    private static readonly string[] s_metadata =
    [
        "{\"format\":\"pt\"}", "{}", "{\"k\":1}", "{\"k\":{\"x\":\"y\"}}", "{\"k\":\"v\",\"k\":\"v\"}", "{\"k\":null}", "[]", "\"pt\"",
    ];

    /// <summary>The file's bytes.</summary>
    public byte[] Bytes => Build().Bytes;

    /// <inheritdoc/>
    public override string ToString() => $"GeneratedFile({Seed}): {Build().Header}";

    private (string Header, byte[] Bytes) Build()
    {
        var random = new Random(Seed);
        var entries = new List<string>();
        long offset = 0;
        int count = random.Next(0, 5);
        for (int index = 0; index < count; index++)
        {
            string name = random.Next(12) == 0 ? "a" : "t" + index.ToString(CultureInfo.InvariantCulture);
            string dtype = s_dtypes[random.Next(s_dtypes.Length)];
            long size = dtype is "F64" or "I64" ? 8 : dtype is "F32" or "I32" ? 4 : 2;
            long[] shape = [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(15) == 0 ? s_hugeDimensions[random.Next(s_hugeDimensions.Length)] : random.Next(0, 5))];
            long bytes = shape.Aggregate(size, (product, dimension) => Math.Clamp(product * Math.Max(dimension, 0), 0, 1L << 40));
            (long begin, long end) = random.Next(12) switch
            {
                < 8 => (offset, offset + bytes),
                8 => (Math.Max(0, offset - 4), Math.Max(0, offset - 4) + bytes),   // overlap
                9 => (offset + 4, offset + 4 + bytes),                          // gap
                10 => (offset + bytes, offset),                                 // reversed
                _ => (random.Next(0, 64), random.Next(0, 64)),                  // anywhere
            };
            offset = Math.Max(offset, end);
            entries.Add($"\"{name}\":{{{Fields(random, dtype, shape, begin, end)}}}");
        }

        if (random.Next(3) > 0)
        {
            entries.Insert(random.Next(entries.Count + 1), "\"__metadata__\":" + s_metadata[random.Next(s_metadata.Length)]);
        }

        string header = "{" + string.Join(",", entries) + "}";
        if (random.Next(2) == 0)
        {
            header = header.PadRight((header.Length + 7) / 8 * 8);
        }

        long dataLength = Math.Clamp(offset + random.Next(10) switch { 0 => 1, 1 => -1, 2 => 4, 3 => -4, _ => 0 }, 0, 1 << 16);
        byte[] data = new byte[dataLength];
        random.NextBytes(data);
        ulong? headerLength = random.Next(20) == 0 ? (ulong)random.NextInt64() : null;
        return (header, SafeTensorsTestFiles.Build(header, data, headerLength));
    }

    private static string Fields(Random random, string dtype, long[] shape, long begin, long end)
    {
        var fields = new List<string>
        {
            $"\"dtype\":\"{dtype}\"",
            $"\"shape\":[{string.Join(",", shape)}]",
            $"\"data_offsets\":[{begin},{end}]",
        };
        if (random.Next(15) == 0)
        {
            fields.RemoveAt(random.Next(fields.Count));
        }

        if (random.Next(10) == 0)
        {
            fields.Add("\"extra\":{\"nested\":[1,2,3]}");
        }

        return string.Join(",", fields.OrderBy(_ => random.Next()));
    }
}
