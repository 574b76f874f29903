using System.Runtime.CompilerServices;

namespace NdisMock.Api.Tests;

internal static class TestAssembly
{
    /// <summary>
    /// Test hosts never change their settings files, and each watching them costs an inotify instance (128 per user by
    /// default), which a suite of many hosts would run out of.
    /// </summary>
    [ModuleInitializer]
    internal static void DoNotWatchSettingsFiles() =>
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
