using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LstmSharp.Tests;

namespace LstmSharp.Cli.Tests;

/// <summary>Runs interop/pytorch/ with Debian's python3-torch (skipped on a machine without it, failed under CI=true).</summary>
internal static class PythonTools
{
    /// <summary>The repository's root (the folder with LstmSharp.sln), found from the test's output folder.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Script => Path.Combine(RepositoryRoot, "interop", "pytorch", "continue_training.py");

    /// <summary>A python3 that imports torch, or the test skips (fails under CI).</summary>
    public static string RequireTorchPython() => ExternalTool.Require("python3-torch",
        ExternalTool.FindWorking(["/usr/bin/python3", "python3"], "-c \"import torch\""), "apt-get install python3-torch");

    /// <summary>Runs <paramref name="python"/> with <paramref name="arguments"/>; returns its output, failing the test on a non-zero exit.</summary>
    public static string Run(string python, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OMP_NUM_THREADS"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{python} {string.Join(' ', arguments)} did not finish in 5 minutes.");
        }

        Assert.True(process.ExitCode == 0, $"{python} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output.Result}\n{error.Result}");
        return output.Result;
    }

    /// <summary>torchrun's launcher arguments for <paramref name="processes"/> local processes on a free port.</summary>
    public static string[] Torchrun(int processes)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        // --redirects 1 --tee 1: PyTorch 1.13's launcher under Python 3.11 cannot read its own default "0" (docs/interop.md).
        return ["-m", "torch.distributed.run", "--nproc_per_node", processes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--master_addr", "127.0.0.1", "--master_port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--redirects", "1", "--tee", "1"];
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LstmSharp.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No LstmSharp.sln above {AppContext.BaseDirectory}.");
    }
}
