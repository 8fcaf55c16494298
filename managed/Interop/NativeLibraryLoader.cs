using System.Reflection;
using System.Runtime.InteropServices;

namespace AsmKernels;

/// <summary>
/// The outcome of looking for the native library: a handle, where it came from, every kernel's
/// address (by <see cref="KernelTable"/> row) and each legacy-SSE kernel's clean entry, the OS's
/// XCR0 and the library's CPUID routine, or why not.
/// </summary>
internal sealed class NativeLoadResult(nint handle, string? path, string? error, nint[]? addresses = null,
    nint[]? cleanEntries = null, ulong xcr0 = 0, nint cpuId = 0)
{
    public nint Handle { get; } = handle;
    public string? Path { get; } = path;
    public string? Error { get; } = error;
    public bool Loaded => Handle != 0;

    /// <summary>XCR0 as <c>asmk_os_xcr0</c> read it (0 without OSXSAVE), or null when the library is not loaded.</summary>
    public ulong? Xcr0 => Loaded ? xcr0 : null;

    /// <summary>The library's CPUID routine (<see cref="KernelTable.CpuIdExport"/>), or 0 when the library is not loaded.</summary>
    public nint CpuId { get; } = cpuId;

    /// <summary>The address of a kernel (a <see cref="KernelTable"/> row), or 0 when the library is not loaded.</summary>
    public nint Address(int kernel) => addresses is null ? 0 : addresses[kernel];

    /// <summary>
    /// The address of a kernel's clean entry (<see cref="KernelTable.CleanEntry"/>: vzeroupper, then
    /// the kernel), or 0 when it has none (a VEX kernel) or the library is not loaded.
    /// </summary>
    public nint CleanAddress(int kernel) => cleanEntries is null ? 0 : cleanEntries[kernel];
}

/// <summary>
/// Finds, loads and validates the native library once per process. Order: the explicit
/// <c>ASMKERNELS_NATIVE_PATH</c> (a file or a directory; when set, nothing else is tried), then the
/// application directory and its <c>runtimes/&lt;rid&gt;/native/</c>, then the assembly's directory
/// and its <c>runtimes/&lt;rid&gt;/native/</c>; the first that loads is taken (when none does, the
/// first that exists says why). A library is accepted only when <c>asmk_abi_version</c> returns
/// <see cref="KernelTable.AbiVersion"/> and every kernel of the table is exported (and a file is
/// loaded only after <see cref="NativeImageCheck"/> found it whole); their addresses
/// (and the clean entries of the legacy-SSE kernels) are resolved then, once, and XCR0 is read.
/// </summary>
internal static unsafe class NativeLibraryLoader
{
    public const string PathVariable = "ASMKERNELS_NATIVE_PATH";

    /// <summary>The process's one load, made on first use (by CPU detection or dispatch).</summary>
    public static NativeLoadResult Result { get; } = Load();

    public static string FileName =>
        OperatingSystem.IsWindows() ? "libasmkernels.dll"
        : OperatingSystem.IsMacOS() ? "libasmkernels.dylib"
        : "libasmkernels.so";

    /// <summary>The runtime identifier of the package's folder for this process (x64 only: <see cref="Load"/> checks first).</summary>
    public static string RuntimeId => OperatingSystem.IsWindows() ? "win-x64" : OperatingSystem.IsMacOS() ? "osx-x64" : "linux-x64";

    public static NativeLoadResult Load()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return new NativeLoadResult(0, null,
                $"the process is {RuntimeInformation.ProcessArchitecture}; the native kernels are x86-64 only");

        string? explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            string file = Directory.Exists(explicitPath) ? System.IO.Path.Combine(explicitPath, FileName) : explicitPath;
            if (!File.Exists(file))
                return new NativeLoadResult(0, null, $"{PathVariable}={explicitPath}: no such file ({file})");
            return TryLoad(System.IO.Path.GetFullPath(file));
        }

        // Each place in turn, its file looked at (NativeImageCheck: a truncated library must not
        // reach dlopen, which would die on it) and loaded, without the runtime's file APIs: this
        // runs at every process start, and a process's first File.Exists cost about 1.7 ms (AMD
        // Zen 4, measured once) where libc's open of a missing file costs microseconds. Only when
        // none loads are the files looked at again, to say why.
        // The application directory and its runtimes/<rid>/native/ come first, before the
        // candidates' normalized paths, which cost more than the loads.
        string? refused = null;
        string appFile = System.IO.Path.Join(AppContext.BaseDirectory, FileName);
        if (TryPlace(appFile, ref refused) is { } app)
            return app;
        string ridFile = System.IO.Path.Join(AppContext.BaseDirectory, "runtimes", RuntimeId, "native", FileName);
        if (TryPlace(ridFile, ref refused) is { } rid)
            return rid;
        var candidates = Candidates();
        foreach (string file in candidates)
        {
            if (TryPlace(file, ref refused) is { } loaded)
                return loaded;
        }
        if (refused is not null)
            return new NativeLoadResult(0, null, refused);
        foreach (string file in candidates)
        {
            if (File.Exists(file))
                return TryLoad(file);
        }
        return new NativeLoadResult(0, null, $"{FileName} not found (looked in {string.Join(", ", candidates)})");
    }

    /// <summary>The library at <paramref name="file"/> when it passes the check and loads; else null, and the first refusal's reason in <paramref name="refused"/>.</summary>
    private static NativeLoadResult? TryPlace(string file, ref string? refused)
    {
        switch (NativeImageCheck.Check(file, out string? reason, out var code))
        {
            case NativeImageCheck.Verdict.Missing:
                return null;
            case NativeImageCheck.Verdict.Refused:
                refused ??= $"{file} could not be loaded: {reason}";
                return null;
            default:
                return NativeLibrary.TryLoad(file, out nint handle) ? Validated(handle, file, code) : null;
        }
    }

    private static List<string> Candidates()
    {
        var dirs = new List<string>();
        void Add(string? dir)
        {
            if (string.IsNullOrEmpty(dir)) return;
            string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(dir));
            if (!dirs.Contains(full)) dirs.Add(full);
        }
        Add(AppContext.BaseDirectory);
        Add(AssemblyDirectory());
        foreach (string dir in dirs.ToArray())
            Add(System.IO.Path.Combine(dir, "runtimes", RuntimeId, "native"));
        return dirs.ConvertAll(d => System.IO.Path.Combine(d, FileName));
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000",
        Justification = "An empty Location (single-file, AOT) is handled: the application directory is searched first.")]
    private static string? AssemblyDirectory()
    {
        string location = typeof(NativeLibraryLoader).Assembly.Location;
        return string.IsNullOrEmpty(location) ? null : System.IO.Path.GetDirectoryName(location);
    }

    private static NativeLoadResult TryLoad(string file)
    {
        if (NativeImageCheck.Check(file, out string? refusal, out var code) == NativeImageCheck.Verdict.Refused)
            return new NativeLoadResult(0, null, $"{file} could not be loaded: {refusal}");
        nint handle;
        try
        {
            handle = NativeLibrary.Load(file);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            // The runtime's message ends with the loader's own reason (dlerror, or the Win32 error).
            string reason = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            return new NativeLoadResult(0, null, $"{file} could not be loaded: {reason}");
        }
        return Validated(handle, file, code);
    }

    /// <summary>The library <paramref name="handle"/> (loaded from <paramref name="file"/>, whose executable segments the check found: <paramref name="code"/>) with its kernels' addresses, or unloaded with the reason it is not an AsmKernels library of this version.</summary>
    private static NativeLoadResult Validated(nint handle, string file, NativeImageCheck.CodeRange[]? code)
    {
        var addresses = new nint[KernelTable.Count];
        var cleanEntries = new nint[KernelTable.Count];
        string? error = Validate(handle, file, code, addresses, cleanEntries, out ulong xcr0, out nint cpuId);
        if (error is null)
            return new NativeLoadResult(handle, file, null, addresses, cleanEntries, xcr0, cpuId);
        NativeLibrary.Free(handle);
        return new NativeLoadResult(0, null, error);
    }

    private static string? Validate(nint handle, string file, NativeImageCheck.CodeRange[]? code, nint[] addresses, nint[] cleanEntries,
        out ulong xcr0, out nint cpuId)
    {
        xcr0 = 0;
        cpuId = 0;
        if (!NativeLibrary.TryGetExport(handle, KernelTable.VersionExport, out nint versionFn))
            return $"{file} has no {KernelTable.VersionExport} export; it is not an AsmKernels library";
        if (!NativeImageCheck.IsCode(code, versionFn))
            return $"{file} exports {KernelTable.VersionExport} as data, not as a routine; it is not an AsmKernels library";
        uint version = ((delegate* unmanaged<uint>)versionFn)();
        if (version != KernelTable.AbiVersion)
            return $"{file} implements native ABI version {version}; this assembly needs version {KernelTable.AbiVersion}";
        if (!NativeLibrary.TryGetExport(handle, KernelTable.Xcr0Export, out nint xcr0Fn))
            return $"{file} lacks the export {KernelTable.Xcr0Export}";
        xcr0 = ((delegate* unmanaged<ulong>)xcr0Fn)();
        if (!NativeLibrary.TryGetExport(handle, KernelTable.CpuIdExport, out cpuId))
            return $"{file} lacks the export {KernelTable.CpuIdExport}";
        for (int k = 0; k < KernelTable.Count; k++)
        {
            if (!NativeLibrary.TryGetExport(handle, KernelTable.Name(k), out addresses[k]))
                return $"{file} lacks the export {KernelTable.Name(k)}";
            if (KernelTable.CleanEntry(k) is { } clean && !NativeLibrary.TryGetExport(handle, clean, out cleanEntries[k]))
                return $"{file} lacks the export {clean}";
        }
        return null;
    }
}
