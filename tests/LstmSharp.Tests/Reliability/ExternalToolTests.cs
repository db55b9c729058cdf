using LstmSharp.Tests;
using Xunit;
using Xunit.Sdk;

namespace LstmSharp.Tests.Reliability;

/// <summary>The one place that decides what a test does when a tool outside .NET is missing.</summary>
public sealed class ExternalToolTests
{
    [Fact]
    public void Require_Found_ReturnsThePath()
    {
        Assert.Equal("/usr/bin/tool", ExternalTool.Require("tool", "/usr/bin/tool", "apt-get install tool", isCi: false));
        Assert.Equal("/usr/bin/tool", ExternalTool.Require("tool", "/usr/bin/tool", "apt-get install tool", isCi: true));
    }

    [Fact]
    public void Require_MissingOnADevelopersMachine_SkipsNamingTheToolAndHowToInstallIt()
    {
        Xunit.SkipException skip = Assert.Throws<Xunit.SkipException>(() => ExternalTool.Require("python3-torch", null, "apt-get install python3-torch", isCi: false));

        Assert.Contains("python3-torch is not installed (apt-get install python3-torch)", skip.Message, StringComparison.Ordinal);
        Assert.Contains("under CI=true this test fails", skip.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Require_MissingUnderCi_Fails()
    {
        FailException failure = Assert.Throws<FailException>(() => ExternalTool.Require("chromium", null, "apt-get install chromium", isCi: true));

        Assert.Contains("chromium is not installed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("may not be skipped", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SkipReason_ToolOnPath_RunsAndMissingTool_NamesThePackage()
    {
        Assert.Null(ExternalTool.SkipReason("coreutils", "sh"));
        string? reason = ExternalTool.SkipReason("no-such-package", "no-such-program-on-path");
        if (!ExternalTool.UnderCi)
        {
            Assert.Contains("apt-get install no-such-package", reason, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(reason);   // under CI nothing is skipped: the test runs and fails without its tool
        }
    }

    [Fact]
    public void FindWorking_ProbesEachCandidateAndReturnsTheFirstThatWorks()
    {
        Assert.Null(ExternalTool.FindWorking(["/nonexistent/tool", "no-such-program-on-path"], "--version"));
        Assert.Equal("/bin/sh", ExternalTool.FindWorking(["/bin/sh"], "-c true"));
        Assert.Null(ExternalTool.FindWorking(["/bin/sh"], "-c false"));
        Assert.EndsWith("/sh", ExternalTool.Find("sh"), StringComparison.Ordinal);
    }
}
