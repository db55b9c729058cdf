namespace LstmSharp.Serialization;

/// <summary>Sizes, header spellings and CLR types of <see cref="SafeTensorDType"/>.</summary>
internal static class DTypeInfo
{
    // Every dtype the safetensors specification names, so a valid foreign file gets "unsupported" rather than "unknown".
    private static readonly HashSet<string> s_otherSpecDTypes = new(StringComparer.Ordinal)
    {
        "BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "U32", "U64", "C64",
        "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2",
    };

    /// <summary>The size of one element in bytes.</summary>
    public static int Size(SafeTensorDType dtype) => dtype is SafeTensorDType.F64 or SafeTensorDType.I64 ? 8 : 4;

    /// <summary>The header spelling.</summary>
    public static string Name(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F32 => "F32",
        SafeTensorDType.F64 => "F64",
        SafeTensorDType.I32 => "I32",
        _ => "I64",
    };

    /// <summary>Parses a header spelling.</summary>
    public static bool TryParse(string name, out SafeTensorDType dtype)
    {
        switch (name)
        {
            case "F32": dtype = SafeTensorDType.F32; return true;
            case "F64": dtype = SafeTensorDType.F64; return true;
            case "I32": dtype = SafeTensorDType.I32; return true;
            case "I64": dtype = SafeTensorDType.I64; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Whether <paramref name="name"/> is a dtype of the specification that LstmSharp does not read.</summary>
    public static bool IsOtherSpecDType(string name) => s_otherSpecDTypes.Contains(name);

    /// <summary>The dtype stored for the CLR type <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float, double, int or long.</exception>
    public static SafeTensorDType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return SafeTensorDType.F32;
        }

        if (typeof(T) == typeof(double))
        {
            return SafeTensorDType.F64;
        }

        if (typeof(T) == typeof(int))
        {
            return SafeTensorDType.I32;
        }

        if (typeof(T) == typeof(long))
        {
            return SafeTensorDType.I64;
        }

        throw new NotSupportedException($"Element type {typeof(T)} has no safetensors dtype here; use float, double, int or long.");
    }
}
