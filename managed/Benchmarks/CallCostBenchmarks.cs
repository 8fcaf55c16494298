using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace AsmKernels.Benchmarks;

/// <summary>
/// What one native call costs, layer by layer, with count 0 so that only the call is timed: a bare
/// function pointer (with and without a GC transition), a <c>[DllImport]</c> bound through a
/// <c>DllImportResolver</c> (as the library binds its <c>[LibraryImport]</c>s), the bare call behind
/// a non-inlined method that pins a span, and the library's own entry point. Run with <c>./build.sh bench --calls</c>.
/// </summary>
public unsafe class CallCostBenchmarks
{
    private delegate* unmanaged[SuppressGCTransition]<ulong*, nuint, ulong> _suppressed;
    private delegate* unmanaged<ulong*, nuint, ulong> _normal;
    private readonly ulong[] _data = new ulong[16];
    private IsaLevel _isa;
    private static nint s_library;

    [GlobalSetup]
    public void Setup()
    {
        _isa = Kernels.GetSelectedIsa(KernelOperation.PopCount);
        string export = Kernels.GetImplementationName(KernelOperation.PopCount, _isa)!;
        if (!Kernels.NativeLibraryLoaded || _isa == IsaLevel.Scalar)
            throw new InvalidOperationException($"the call-cost benchmarks need the native kernels: {Kernels.GetFallbackReason(KernelOperation.PopCount)}");
        if (s_library == 0) // a resolver can be set once per assembly; setup runs once per case
        {
            s_library = NativeLibrary.Load(Kernels.NativeLibraryPath!);
            NativeLibrary.SetDllImportResolver(typeof(CallCostBenchmarks).Assembly, (name, _, _) => name == "asmkernels" ? s_library : 0);
        }
        if (export != "asmk_popcount_avx512")
            throw new InvalidOperationException($"the DllImport row is bound to asmk_popcount_avx512, but this machine selects {export}");
        nint entry = NativeLibrary.GetExport(s_library, export);
        _suppressed = (delegate* unmanaged[SuppressGCTransition]<ulong*, nuint, ulong>)entry;
        _normal = (delegate* unmanaged<ulong*, nuint, ulong>)entry;
    }

    [Benchmark(Baseline = true)] public ulong FunctionPointer_SuppressGCTransition() => _suppressed(null, 0);
    [Benchmark] public ulong FunctionPointer_NormalTransition() => _normal(null, 0);
    [Benchmark] public ulong DllImport_ThroughResolver() => PopCountAvx512(null, 0);
    [Benchmark] public ulong FunctionPointer_PinnedInOwnMethod() => Pinned(_data.AsSpan(0, 0));
    [Benchmark] public ulong Kernels_EntryPoint() => Kernels.PopCount(_isa, _data.AsSpan(0, 0));

    [DllImport("asmkernels", EntryPoint = "asmk_popcount_avx512", ExactSpelling = true), SuppressGCTransition]
    private static extern ulong PopCountAvx512(ulong* data, nuint count);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong Pinned(ReadOnlySpan<ulong> data)
    {
        fixed (ulong* p = data)
            return _suppressed(p, (nuint)data.Length);
    }
}
