namespace AsmKernels.Terminal;

/// <summary>
/// A private temporary directory for the files a program shares with its child processes (the
/// JIT's listings, the harness's progress): a fresh name only this user can enter (.NET creates
/// it with mode 0700 on Unix), so that no one can plant a file or a link where they will be
/// written, and removed with what it holds on every way out: disposal, the end of the process, and
/// SIGTERM or Ctrl+C (the runtime's orderly shutdown runs <see cref="AppDomain.ProcessExit"/>).
/// </summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix)
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
        AppDomain.CurrentDomain.ProcessExit += OnExit;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> in the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        Delete();
    }

    private void OnExit(object? sender, EventArgs e) => Delete();

    private void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone already, or held open on Windows: nothing more can be done
        }
    }
}
