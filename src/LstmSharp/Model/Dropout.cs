namespace LstmSharp.Model;

/// <summary>
/// Inverted dropout for one window, on every layer's output (between stacked layers, as <c>nn.LSTM(dropout=p)</c> does,
/// and before the head, as char-rnn does): each element is zeroed with probability p and the rest scaled by 1/(1 − p).
/// The mask is drawn from the seed, so replaying a window with the same seed replays the same mask.
/// </summary>
public readonly struct Dropout
{
    /// <summary>Creates dropout settings for one window.</summary>
    /// <param name="rate">p, in [0, 1).</param>
    /// <param name="seed">The seed of this window's masks.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1).</exception>
    public Dropout(double rate, ulong seed)
    {
        ThrowHelper.CheckUnitIntervalHalfOpen(rate, "Dropout must be in [0, 1).");

        Rate = rate;
        Seed = seed;
    }

    /// <summary>p: the probability of dropping an element.</summary>
    internal double Rate { get; }

    /// <summary>The seed of this window's masks.</summary>
    internal ulong Seed { get; }
}
