using System.Runtime.CompilerServices;

namespace AsmKernels;

/// <summary>
/// A managed vector loop compiled off the caller's thread. Where a kernel is bound, the lengths the
/// vector loop serves best (below each operation's <c>NativeFrom</c>) go to the kernel until the
/// loop is compiled: after <see cref="CallsBeforeCompiling"/> calls that would run it, a background
/// thread calls it once, and the calls that come after that run it. No caller waits for the JIT
/// (a Vector512 loop takes 1.5 to 4 ms to compile: the layers of <c>asmkernels-lab cold</c> before
/// this class). Starting the thread costs the caller 0.2 to 0.5 ms (AMD Zen 4, 2 vCPUs, measured
/// once), about what a kernel call a nanosecond or two slower than the loop
/// loses over a few hundred thousand calls: a short-lived process never starts it, a hot path does
/// after a millisecond or so. Without a JIT (Native AOT) the loop is machine code already, and
/// ready at once.
/// </summary>
internal sealed class BackgroundCompiled
{
    private const int NotStarted = 0, Compiling = 1, Compiled = 2, Failed = 3;
    private readonly Action _firstCall;
    private int _state;
    private int _calls;

    /// <summary>Calls that would run the loop before its compilation starts.</summary>
    public const int CallsBeforeCompiling = 10_000;

    /// <param name="firstCall">One call of the loop (on a small input), which compiles it.</param>
    public BackgroundCompiled(Action firstCall)
    {
        _firstCall = firstCall;
        _state = RuntimeFeature.IsDynamicCodeCompiled ? NotStarted : Compiled;
    }

    /// <summary>Whether the loop is compiled; the <see cref="CallsBeforeCompiling"/>-th call that asks starts compiling it.</summary>
    public bool IsReady
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            int state = Volatile.Read(ref _state);
            if (state == Compiled)
                return true;
            if (state == NotStarted && ++_calls >= CallsBeforeCompiling) // a lost increment between threads only delays it
                Start();
            return false;
        }
    }

    /// <summary>Whether the background compilation has run (for tests and tools: <see cref="IsReady"/> without starting it).</summary>
    public bool HasCompiled => Volatile.Read(ref _state) == Compiled;

    /// <summary>Starts the compilation now and waits for it (tests, benchmarks); false when it could not run.</summary>
    public bool CompileNow()
    {
        Start();
        SpinWait spin = default;
        while (Volatile.Read(ref _state) == Compiling)
            spin.SpinOnce();
        return Volatile.Read(ref _state) == Compiled;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Start()
    {
        if (Interlocked.CompareExchange(ref _state, Compiling, NotStarted) != NotStarted)
            return;
        try
        {
            var thread = new Thread(static self => ((BackgroundCompiled)self!).Compile())
            {
                IsBackground = true,
                Name = "AsmKernels: compiling a managed vector loop",
            };
            thread.UnsafeStart(this);
        }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
        {
            Volatile.Write(ref _state, Failed); // no thread: the kernel keeps serving these lengths
        }
    }

    private void Compile()
    {
        try
        {
            _firstCall();
            Volatile.Write(ref _state, Compiled);
        }
        catch (Exception)
        {
            Volatile.Write(ref _state, Failed); // the loop is never used; the kernel keeps its lengths
        }
    }
}
