// The CLI compiles this file too (it sees no internals of the library), in its own namespace so that the CLI's tests,
// which see the internals of both, find one generator: every random stream of the CLI is the library's, bit for bit.
#if LSTMSHARP_CLI
namespace LstmSharp.Cli;
#else
namespace LstmSharp;
#endif

/// <summary>
/// A small seeded generator (xoshiro256**, seeded through SplitMix64) that gives the same numbers on every machine and
/// runtime version and can be re-seeded in place without allocating. Training derives each window's dropout seed from
/// the step number, so a resumed run draws exactly what the uninterrupted run would have. System.Random's seeded
/// sequence is not specified across versions and cannot be re-seeded in place, which is why this one exists.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a seed; the same seed gives the same sequence on every machine.</summary>
    /// <param name="seed">Any value.</param>
    internal SeededRandom(ulong seed) => Reseed(seed);

    /// <summary>Restarts the sequence from <paramref name="seed"/>, exactly as a new generator with that seed would.</summary>
    /// <param name="seed">Any value.</param>
    internal void Reseed(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    internal ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>
    /// Fills <paramref name="values"/> with the next values of <see cref="NextUInt64()"/>, in order, with the state in
    /// registers rather than in the object between draws (a dropout mask draws millions per window).
    /// </summary>
    /// <param name="values">Receives the draws.</param>
    internal void NextUInt64(Span<ulong> values)
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int index = 0; index < values.Length; index++)
        {
            values[index] = ulong.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    /// <returns>The value.</returns>
    internal double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <param name="maxExclusive">The exclusive upper bound; must be positive.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    internal int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong value = NextUInt64();
            ulong high = Math.BigMul(value, bound, out ulong low);
            if (low >= threshold)
            {
                return (int)high;
            }
        }
    }

    /// <summary>A standard normal sample (Box–Muller; the second value of the pair is not kept, so the generator has no hidden cache).</summary>
    /// <returns>The value.</returns>
    internal double NextNormal()
    {
        double u1 = 1.0 - NextDouble();   // (0, 1]: log is finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
