using System.Text.Json;
using LstmSharp.Training;

namespace LstmSharp.Cli;

/// <summary>
/// <c>train --metrics FILE</c>: one JSON object per line (JSON Lines) for every evaluation and every epoch end, appended
/// so that a resumed run continues its file. Fields (docs/getting-started.md lists them): <c>step</c>, <c>epoch</c>
/// (epochs done, fractional), <c>ended_epoch</c> (at an epoch end), <c>evaluation</c>, <c>epoch_end</c>,
/// <c>train_loss</c> (mean window loss since the last record), <c>train_windows</c>, <c>epoch_train_loss</c>,
/// <c>val_loss</c> (only with validation), <c>lr</c>, <c>grad_norm</c>, <c>chars_per_sec</c>, <c>elapsed_seconds</c>.
/// </summary>
internal sealed class MetricsLog : IProgress<TrainingProgress>, IDisposable
{
    private readonly IProgress<TrainingProgress> _inner;
    private readonly FileStream _file;
    private readonly Utf8JsonWriter _writer;
    private double _lossSum;
    private int _windows;

    public MetricsLog(string path, IProgress<TrainingProgress> inner)
    {
        _inner = inner;
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new Utf8JsonWriter(_file);
    }

    public void Report(TrainingProgress value)
    {
        _lossSum += value.TrainingLoss;
        _windows++;
        if (value.IsEvaluation || value.IsEpochEnd)
        {
            Write(value);
            _lossSum = 0;
            _windows = 0;
        }

        _inner.Report(value);
    }

    private void Write(TrainingProgress value)
    {
        _writer.Reset();
        _writer.WriteStartObject();
        _writer.WriteNumber("step", value.Step);
        _writer.WriteNumber("epoch", value.Epoch + value.EpochFraction);
        if (value.IsEpochEnd)
        {
            _writer.WriteNumber("ended_epoch", value.Epoch - 1);
        }

        _writer.WriteBoolean("evaluation", value.IsEvaluation);
        _writer.WriteBoolean("epoch_end", value.IsEpochEnd);
        Number("train_loss", _lossSum / _windows);
        _writer.WriteNumber("train_windows", _windows);
        if (value.IsEpochEnd)
        {
            Number("epoch_train_loss", value.EpochTrainingLoss);
        }

        if (value.IsEvaluation && !double.IsNaN(value.ValidationLoss))
        {
            Number("val_loss", value.ValidationLoss);
        }

        Number("lr", value.LearningRate);
        Number("grad_norm", value.GradientNorm);
        Number("chars_per_sec", value.CharactersPerSecond);
        _writer.WriteNumber("elapsed_seconds", value.Elapsed.TotalSeconds);
        _writer.WriteEndObject();
        _writer.Flush();
        _file.WriteByte((byte)'\n');
        _file.Flush();
    }

    // JSON has no NaN or infinity: a value that is not finite is written as null.
    private void Number(string name, double value)
    {
        if (double.IsFinite(value))
        {
            _writer.WriteNumber(name, value);
        }
        else
        {
            _writer.WriteNull(name);
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }
}
