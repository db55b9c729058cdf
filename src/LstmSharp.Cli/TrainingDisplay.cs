using System.Globalization;
using LstmSharp.Training;
using Spectre.Console;

namespace LstmSharp.Cli;

/// <summary>
/// Shows a running <see cref="Trainer"/>. On a terminal (standard output and standard error both interactive): a
/// progress bar pinned to the bottom row (a <see cref="LiveRegion"/>) that fits the width, with evaluation lines,
/// notes and fenced samples printed whole above it. Otherwise (CI, pipes, files): a plain line every
/// <see cref="PlainInterval"/> and at every evaluation, with no escape codes. Both show the step, the epoch, the
/// training and validation loss in nats and bits per character, the speed and the time left toward whichever limit
/// (steps, epochs, time) comes first.
/// </summary>
/// <remarks>
/// The trainer calls <see cref="Report"/> on its own thread, synchronously, after every step; the evaluation
/// callback runs there too, between two steps, so it may sample from the model (checkpoints are saved before it, by
/// <see cref="Trainer.Evaluated"/>). Everything this class writes comes from that one thread, so nothing else draws
/// over the live row.
/// </remarks>
internal sealed class TrainingDisplay : IProgress<TrainingProgress>
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(100);

    private readonly CliConsole _console;
    private readonly TrainingOptions _limits;
    private readonly long _startStep;
    private readonly Action<TrainingProgress> _onEvaluation;
    private readonly Action<TrainingProgress>? _onEpochEnd;
    private readonly LiveRegion? _live;
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
        if (console.IsLive)
        {
            _live = new LiveRegion(console.Out, console.Color, console.Width);
        }
    }

    /// <summary>Whether the live bar is shown (else plain lines).</summary>
    public bool IsLive => _live is not null;

    /// <summary>Runs <paramref name="train"/> under the live progress bar (on a terminal) or as is.</summary>
    /// <remarks>However <paramref name="train"/> ends (done, Ctrl+C, divergence, an error), the bar's last state stays
    /// as an ordinary line and the cursor moves below it, so the lines printed next are never overwritten.</remarks>
    public TResult Run<TResult>(Func<TResult> train)
    {
        if (_live is null)
        {
            return train();
        }

        _live.Start();
        try
        {
            return train();
        }
        finally
        {
            _live.Stop();
        }
    }

    /// <summary>
    /// Writes a note (a saved checkpoint, the summary): above the live bar while it runs, below its last state after;
    /// on a terminal wrapped at spaces to its width, except a <see cref="NoteKind.Command"/>, kept whole to copy.
    /// </summary>
    public void WriteNote(string text, NoteKind kind = NoteKind.Plain)
    {
        if (_live is null)
        {
            WritePlain(VisibleText.Escape(text, keepLineFeeds: false));
            return;
        }

        Style style = kind switch
        {
            NoteKind.Saved => new Style(Color.Green),
            NoteKind.Command => new Style(decoration: Decoration.Bold),
            _ => Style.Plain,
        };
        string visible = VisibleText.Escape(text, _live.Unicode, keepLineFeeds: false);
        List<string> rows = kind == NoteKind.Command ? [visible] : VisibleText.Wrap(visible, _live.Width);
        _live.WriteAbove(rows.Select(row => (row, style)));
    }

    /// <summary>Writes text a model generated between fences, whole, with its control characters shown as symbols.</summary>
    public void WriteSample(string header, string sample)
    {
        if (_live is null)
        {
            WritePlain("--- " + header + " ---");
            WritePlain(VisibleText.Escape(sample));
            WritePlain("---");
            return;
        }

        int width = _live.Width;
        var fence = new Style(decoration: Decoration.Dim);
        string visible = VisibleText.Escape(sample, _live.Unicode);
        var rows = new List<(string, Style)>();
        rows.AddRange(VisibleText.Wrap("--- " + header + " ---", width).Select(row => (row, fence)));
        foreach (string line in visible.Split('\n'))
        {
            rows.AddRange(VisibleText.Fold(line, width).Select(row => (row, Style.Plain)));
        }

        rows.Add(("---", fence));
        _live.WriteAbove(rows);
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
            var status = new Status(value, _limits, Fraction(value));
            if (_live is null)
            {
                WritePlain(status.Line());
            }
            else
            {
                if (value.IsEvaluation)
                {
                    _live.WriteAbove(status.Rows(_live.Width).Select(row => (row, new Style(decoration: Decoration.Bold))));
                }

                _live.Update(status.Fraction, status.Fit);
            }
        }

        if (value.IsEvaluation)
        {
            _onEvaluation(value);
        }
    }

    private void WritePlain(string line)
    {
        _console.Out.WriteLine(line);
        _console.Out.Flush();
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

    /// <summary>One report, formatted: the full line for logs and evaluation lines, shorter forms for the live bar.</summary>
    internal readonly struct Status
    {
        private readonly string _steps, _epoch, _train, _trainBits, _validation, _validationBits, _speed, _eta;

        public Status(TrainingProgress value, TrainingOptions limits, double fraction)
        {
            CultureInfo invariant = CultureInfo.InvariantCulture;
            Fraction = fraction;
            _steps = limits.MaxSteps is { } maxSteps ? string.Create(invariant, $"{value.Step:N0}/{maxSteps:N0}") : value.Step.ToString("N0", invariant);
            _epoch = (value.Epoch + value.EpochFraction).ToString("F2", invariant);
            _train = value.TrainingLoss.ToString("F3", invariant);
            _trainBits = (value.TrainingLoss / Math.Log(2)).ToString("F3", invariant);
            bool validated = !double.IsNaN(value.ValidationLoss);
            _validation = validated ? value.ValidationLoss.ToString("F3", invariant) : "-";
            _validationBits = validated ? (value.ValidationLoss / Math.Log(2)).ToString("F3", invariant) : "-";
            _speed = value.CharactersPerSecond >= 1e4
                ? string.Create(invariant, $"{value.CharactersPerSecond / 1e3:F1}k")
                : value.CharactersPerSecond.ToString("F0", invariant);
            _eta = fraction > 0 ? Durations.Format(value.Elapsed * ((1 - fraction) / fraction)) : "?";
        }

        public double Fraction { get; }

        /// <summary>The plain log line, as CI and redirected runs print it.</summary>
        public string Line() => string.Join(" | ", Fields());

        /// <summary>The full line's fields in rows of at most <paramref name="width"/> cells, broken between fields.</summary>
        public List<string> Rows(int width)
        {
            var rows = new List<string>();
            string row = "";
            foreach (string field in Fields())
            {
                string joined = row.Length == 0 ? field : row + " | " + field;
                if (row.Length > 0 && VisibleText.Cells(joined) > width)
                {
                    rows.Add(row);
                    joined = field;
                }

                row = joined;
            }

            rows.Add(row);
            return [.. rows.SelectMany(line => VisibleText.Wrap(line, width))];
        }

        /// <summary>The most informative form that fits <paramref name="room"/> cells; whole numbers only, never cut.</summary>
        public string Fit(int room)
        {
            string[] forms =
            [
                $"step {_steps}  epoch {_epoch}  train {_train}  val {_validation} nats/char ({_trainBits}/{_validationBits} bits)  {_speed} chars/s  ETA {_eta}",
                $"step {_steps}  ep {_epoch}  train {_train}  val {_validation} nats/char  {_speed} ch/s  ETA {_eta}",
                $"step {_steps}  train {_train}  val {_validation}  ETA {_eta}",
                $"{_steps}  {_train}/{_validation}  ETA {_eta}",
                $"{_steps}  ETA {_eta}",
                _steps,
            ];
            foreach (string form in forms)
            {
                if (VisibleText.Cells(form) <= room)
                {
                    return form;
                }
            }

            return "";
        }

        private string[] Fields() =>
        [
            $"step {_steps}",
            $"epoch {_epoch}",
            $"train {_train} nats/char ({_trainBits} bits/char)",
            _validation == "-" ? "val -" : $"val {_validation} nats/char ({_validationBits} bits/char)",
            $"{_speed} chars/s",
            $"ETA {_eta}",
        ];
    }
}

/// <summary>How a note above the live bar is styled.</summary>
internal enum NoteKind
{
    Plain,

    /// <summary>What was saved where: green.</summary>
    Saved,

    /// <summary>A command to copy: never broken across rows (the terminal wraps it softly if it must).</summary>
    Command,
}
