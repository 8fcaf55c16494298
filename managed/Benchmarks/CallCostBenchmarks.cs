using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace AsmKernels.Benchmarks;

/// <summary>
/// What one native call costs, layer by layer, with count 0 so that only the call is timed: a bare
/// function pointer (with and without a GC transition; the library binds each kernel as such a
/// pointer once), the bare call behind a non-inlined method that pins a span, the library's own
/// entry point, and the binding the AsmKernels.Build generator makes of the same kernels for a
/// user's project (<see cref="GeneratedBinding"/>). Run with <c>./build.sh bench --calls</c>.
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
        if (s_library == 0)
            s_library = NativeLibrary.Load(Kernels.NativeLibraryPath!);
        nint entry = NativeLibrary.GetExport(s_library, export);
        _suppressed = (delegate* unmanaged[SuppressGCTransition]<ulong*, nuint, ulong>)entry;
        _normal = (delegate* unmanaged<ulong*, nuint, ulong>)entry;
        int generated = AsmKernels.Build.NativeKernels.Selected("popcount");
        if (generated < 0 || AsmKernels.Build.NativeKernels.Names[generated] != export)
            throw new InvalidOperationException($"the generated binding does not run {export}: {AsmKernels.Build.NativeKernels.Describe()}");
    }

    [Benchmark(Baseline = true)] public ulong FunctionPointer_SuppressGCTransition() => _suppressed(null, 0);
    [Benchmark] public ulong FunctionPointer_NormalTransition() => _normal(null, 0);
    [Benchmark] public ulong FunctionPointer_PinnedInOwnMethod() => Pinned(_data.AsSpan(0, 0));
    [Benchmark] public ulong Kernels_EntryPoint() => Kernels.PopCount(_isa, _data.AsSpan(0, 0));
    [Benchmark] public ulong Generated_Binding() => GeneratedBinding.PopCount(_data.AsSpan(0, 0));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong Pinned(ReadOnlySpan<ulong> data)
    {
        fixed (ulong* p = data)
            return _suppressed(p, (nuint)data.Length);
    }
}
