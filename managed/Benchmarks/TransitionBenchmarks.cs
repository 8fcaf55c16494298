using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace AsmKernels.Benchmarks;

/// <summary>
/// What a legacy-SSE kernel costs when managed Vector256 code runs just before it: .NET emits no
/// vzeroupper before a function-pointer call, so without the library's clean entry (vzeroupper,
/// then the kernel) such a call meets a dirty upper state, which some Intel CPUs answer with an
/// SSE/AVX transition on every call. The seed increment kernel on 8 elements, through the
/// library's binding, alone and after a Vector256 operation in the same loop, and its plain entry
/// (no vzeroupper) the same two ways. Run with <c>./build.sh bench --calls</c>.
/// </summary>
public unsafe class TransitionBenchmarks
{
    /// <summary>The legacy-SSE kernel timed: the first row of IncrementBy in the kernel table.</summary>
    public static readonly string Kernel = Kernels.GetKernels(KernelOperation.IncrementBy)[0].Name;

    private readonly long[] _data = new long[8];
    private Vector256<long> _vector = Vector256.Create(1L, 2, 3, 4);
    private delegate* unmanaged[SuppressGCTransition]<long*, nuint, long, void> _plain;
    private static nint s_library;

    [GlobalSetup]
    public void Setup()
    {
        if (Kernels.GetUnsupportedReason(Kernel) is { } why)
            throw new InvalidOperationException($"the transition benchmarks need {Kernel}: {why}");
        if (s_library == 0)
            s_library = NativeLibrary.Load(Kernels.NativeLibraryPath!);
        _plain = (delegate* unmanaged[SuppressGCTransition]<long*, nuint, long, void>)NativeLibrary.GetExport(s_library, Kernel);
    }

    [Benchmark(Baseline = true)]
    public long Binding_Alone()
    {
        Kernels.IncrementBy(Kernel, _data, 1);
        return _data[0];
    }

    [Benchmark]
    public long Binding_AfterVector256()
    {
        Vector256<long> v = _vector * _vector + _vector; // leaves the upper halves in use
        Kernels.IncrementBy(Kernel, _data, 1);
        _vector = v;
        return _data[0];
    }

    [Benchmark]
    public long PlainEntry_Alone() => Plain();

    [Benchmark]
    public long PlainEntry_AfterVector256()
    {
        Vector256<long> v = _vector * _vector + _vector;
        long r = Plain();
        _vector = v;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Plain()
    {
        fixed (long* p = _data)
            _plain(p, (nuint)_data.Length, 1);
        return _data[0];
    }
}
