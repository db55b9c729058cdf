using LstmSharp.Serialization;

namespace LstmSharp.Cli;

/// <summary>Every command's way of reading a checkpoint: <see cref="Checkpoint.Load"/>, telling the user what its checksum did not cover.</summary>
internal static class CheckpointFiles
{
    public static LoadedCheckpoint Load(CliConsole console, string path)
    {
        LoadedCheckpoint checkpoint = Checkpoint.Load(path);
        if (checkpoint.IntegrityWarning is { } warning)
        {
            console.Error.WriteLine("lstmsharp: warning: " + warning);
        }

        return checkpoint;
    }
}
