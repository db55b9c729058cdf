using System.Globalization;
using LstmSharp.Training;
using Spectre.Console;

namespace LstmSharp.Cli;

/// <summary>
/// Shows a running <see cref="Trainer"/>: a live Spectre.Console progress bar when standard output is a terminal,
/// otherwise (CI, pipes) a plain line every <see cref="PlainInterval"/> and at every evaluation. Both show the step,
/// the epoch, the training and validation loss in nats and bits per character, the speed and the time left
/// toward whichever limit (steps, epochs, time) comes first.
/// </summary>
/// <remarks>
/// The trainer calls <see cref="Report"/> on its own thread, synchronously, after every step; the evaluation
/// callback runs there too, between two steps, so it may save checkpoints and sample from the model.
/// </remarks>
internal sealed class TrainingDisplay : IProgress<TrainingProgress>
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(100);
    private const double BarMax = 1000;

    private readonly CliConsole _console;
    private readonly TrainingOptions _limits;
    private readonly long _startStep;
    private readonly Action<TrainingProgress> _onEvaluation;
    private readonly Action<TrainingProgress>? _onEpochEnd;
    private readonly IAnsiConsole? _live;
    private ProgressTask? _bar;
    private double _startEpochPosition = double.NaN;
    private TimeSpan? _lastShown;

    /// <param name="console">Where to write.</param>
    /// <param name="limits">The options whose MaxSteps, MaxEpochs and MaxTime set the goal.</param>
    /// <param name="startStep">The trainer's step before this run (non-zero after a resume).</param>
    /// <param name="onEvaluation">Called after each report that marks an evaluation point.</param>
    /// <param name="onEpochEnd">Called after each report that ends an epoch (before any evaluation).</param>
    public TrainingDisplay(CliConsole console, TrainingOptions limits, long startStep, Action<TrainingProgress> onEvaluation,
        Action<TrainingProgress>? onEpochEnd = null)
    {
        _onEpochEnd = onEpochEnd;
        _console = console;
        _limits = limits;
        _startStep = startStep;
        _onEvaluation = onEvaluation;
        if (console.IsTerminal)
        {
            _live = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
        }
    }

    /// <summary>Runs <paramref name="train"/> under the live progress bar (on a terminal) or as is.</summary>
    public TResult Run<TResult>(Func<TResult> train)
    {
        if (_live is null)
        {
            return train();
        }

        return _live.Progress()
            .AutoClear(false)
            .Columns(new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .Start(context =>
            {
                _bar = context.AddTask("starting…", autoStart: true, maxValue: BarMax);
                try
                {
                    return train();
                }
                finally
                {
                    context.Refresh();
                }
            });
    }

    /// <summary>Writes a line of text: above the live bar on a terminal, plainly otherwise.</summary>
    public void WriteLine(string text)
    {
        if (_live is not null)
        {
            _live.WriteLine(text);
        }
        else
        {
            _console.Out.WriteLine(text);
            _console.Out.Flush();
        }
    }

    public void Report(TrainingProgress value)
    {
        if (double.IsNaN(_startEpochPosition))
        {
            // The first report comes one window in: close enough to the start for an ETA.
            _startEpochPosition = value.Epoch + value.EpochFraction;
        }

        if (value.IsEpochEnd)
        {
            _onEpochEnd?.Invoke(value);
        }

        bool due = _lastShown is null || value.Elapsed - _lastShown.Value >= (_live is null ? PlainInterval : LiveInterval);
        if (value.IsEvaluation || due)
        {
            _lastShown = value.Elapsed;
            double fraction = Fraction(value);
            string status = Describe(value, fraction, compact: _bar is not null);
            if (_bar is not null)
            {
                _bar.Description = Markup.Escape(status);
                _bar.Value = fraction * BarMax;
            }
            else if (_live is null)
            {
                WriteLine(status);
            }
        }

        if (value.IsEvaluation)
        {
            _onEvaluation(value);
        }
    }

    /// <summary>How far toward the nearest limit, in [0, 1].</summary>
    private double Fraction(TrainingProgress value)
    {
        double fraction = 0;
        if (_limits.MaxSteps is { } maxSteps && maxSteps > _startStep)
        {
            fraction = Math.Max(fraction, (double)(value.Step - _startStep) / (maxSteps - _startStep));
        }

        if (_limits.MaxEpochs is { } maxEpochs && maxEpochs > _startEpochPosition)
        {
            fraction = Math.Max(fraction, (value.Epoch + value.EpochFraction - _startEpochPosition) / (maxEpochs - _startEpochPosition));
        }

        if (_limits.MaxTime is { } maxTime)
        {
            fraction = Math.Max(fraction, value.Elapsed / maxTime);
        }

        return Math.Clamp(fraction, 0, 1);
    }

    /// <summary>The status line; <paramref name="compact"/> drops units to fit beside the bar on an 80-column terminal.</summary>
    private string Describe(TrainingProgress value, double fraction, bool compact)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string steps = _limits.MaxSteps is { } maxSteps
            ? string.Create(invariant, $"{value.Step:N0}/{maxSteps:N0}")
            : value.Step.ToString("N0", invariant);
        string validation = double.IsNaN(value.ValidationLoss)
            ? "val -"
            : string.Create(invariant, $"val {value.ValidationLoss:F3} nats/char ({value.ValidationBitsPerCharacter:F3} bits/char)");
        string eta = fraction > 0 ? Durations.Format(value.Elapsed * ((1 - fraction) / fraction)) : "?";
        if (compact)
        {
            string shortValidation = double.IsNaN(value.ValidationLoss)
                ? "-"
                : string.Create(invariant, $"{value.ValidationLoss:F3}/{value.ValidationBitsPerCharacter:F2}");
            return string.Create(invariant,
                $"step {steps} ep {value.Epoch + value.EpochFraction:F2} train {value.TrainingLoss:F3}/{value.TrainingBitsPerCharacter:F2} val {shortValidation} nats/bits per char {Speed(value.CharactersPerSecond)} ch/s ETA {eta}");
        }

        return string.Create(invariant,
            $"step {steps} | epoch {value.Epoch + value.EpochFraction:F2} | train {value.TrainingLoss:F3} nats/char ({value.TrainingBitsPerCharacter:F3} bits/char) | {validation} | {Speed(value.CharactersPerSecond)} chars/s | ETA {eta}");
    }

    private static string Speed(double charactersPerSecond) =>
        charactersPerSecond >= 1e4
            ? string.Create(CultureInfo.InvariantCulture, $"{charactersPerSecond / 1e3:F1}k")
            : string.Create(CultureInfo.InvariantCulture, $"{charactersPerSecond:F0}");
}
