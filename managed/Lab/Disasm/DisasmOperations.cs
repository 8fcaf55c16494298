using System.Runtime.Intrinsics;

namespace AsmKernels.Lab;

/// <summary>A managed loop to set beside the kernel: its JIT name (<c>Namespace.Class:Method</c>) and a timed body.</summary>
/// <param name="Name">The JIT's name of the method, as <c>DOTNET_JitDisasm</c> matches it.</param>
/// <param name="What">A short description.</param>
/// <param name="Body">Runs the loop <c>reps</c> times over the operation's data and returns a checksum.</param>
internal sealed record ManagedLoop(string Name, string What, Func<int, ulong> Body);

/// <summary>An operation <c>asmkernels-lab disasm</c> knows: its kernels, the equivalent managed loops, and how to time both.</summary>
internal abstract class DisasmOperation
{
    public static readonly IReadOnlyList<DisasmOperation> All = [new PopCountOperation(), new HammingOperation(), new IncrementOperation(), new Crc32COperation()];

    public static string ValidNames => string.Join(", ", All.Select(o => o.Name));

    /// <summary>The command-line name.</summary>
    public abstract string Name { get; }

    public abstract KernelOperation Operation { get; }

    /// <summary>The bytes of one element, to turn a loop's bytes per iteration into elements.</summary>
    public virtual int ElementBytes => sizeof(ulong);

    /// <summary>The ISA levels that have a native kernel.</summary>
    public IEnumerable<IsaLevel> NativeLevels =>
        IsaLevels.All.ToArray().Where(isa => isa != IsaLevel.Scalar && Dispatch.KernelAt(Operation, isa) >= 0);

    /// <summary>The managed loops over <paramref name="n"/> elements: the scalar reference, then the vector loop where there is one.</summary>
    public abstract IReadOnlyList<ManagedLoop> ManagedLoops(int n);

    /// <summary>The kernel at <paramref name="isa"/> over <paramref name="n"/> elements, through the explicit entry point.</summary>
    public abstract Func<int, ulong> NativeBody(IsaLevel isa, int n);

    protected static ulong[] Words(int n, int seed)
    {
        var random = new Random(seed);
        var words = new ulong[n];
        for (int i = 0; i < n; i++)
            words[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
        return words;
    }

    private sealed class PopCountOperation : DisasmOperation
    {
        public override string Name => "popcount";
        public override KernelOperation Operation => KernelOperation.PopCount;

        public override IReadOnlyList<ManagedLoop> ManagedLoops(int n)
        {
            ulong[] a = Words(n, 1);
            return
            [
                new("AsmKernels.Lab.JitLoops:PopCount", "the JIT's scalar loop (BitOperations.PopCount per word)",
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.PopCount(a); return s; }),
                new("AsmKernels.Lab.JitLoops:PopCountVector256", "a managed Vector256 loop (vpshufb nibble lookup, vpsadbw)",
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.PopCountVector256(a); return s; }),
            ];
        }

        public override Func<int, ulong> NativeBody(IsaLevel isa, int n)
        {
            ulong[] a = Words(n, 1);
            return reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.PopCount(isa, a); return s; };
        }
    }

    private sealed class HammingOperation : DisasmOperation
    {
        public override string Name => "hamming";
        public override KernelOperation Operation => KernelOperation.HammingDistance;

        public override IReadOnlyList<ManagedLoop> ManagedLoops(int n)
        {
            ulong[] a = Words(n, 1), b = Words(n, 2);
            return
            [
                new("AsmKernels.Lab.JitLoops:HammingDistance", "the JIT's scalar loop (BitOperations.PopCount of a[i] ^ b[i])",
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.HammingDistance(a, b); return s; }),
                new("AsmKernels.Lab.JitLoops:HammingVector256", "a managed Vector256 loop (xor, vpshufb nibble lookup, vpsadbw)",
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.HammingVector256(a, b); return s; }),
            ];
        }

        public override Func<int, ulong> NativeBody(IsaLevel isa, int n)
        {
            ulong[] a = Words(n, 1), b = Words(n, 2);
            return reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.HammingDistance(isa, a, b); return s; };
        }
    }

    private sealed class Crc32COperation : DisasmOperation
    {
        public override string Name => "crc32c";
        public override KernelOperation Operation => KernelOperation.Crc32C;
        public override int ElementBytes => 1;

        public override IReadOnlyList<ManagedLoop> ManagedLoops(int n)
        {
            byte[] a = new byte[n];
            new Random(1).NextBytes(a);
            return
            [
                new("AsmKernels.Lab.JitLoops:Crc32C", "the JIT's loop over BitOperations.Crc32C (8 bytes per step)",
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.Crc32C(a); return s; }),
            ];
        }

        public override Func<int, ulong> NativeBody(IsaLevel isa, int n)
        {
            byte[] a = new byte[n];
            new Random(1).NextBytes(a);
            return reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.Crc32C(isa, a); return s; };
        }
    }

    private sealed class IncrementOperation : DisasmOperation
    {
        public override string Name => "increment";
        public override KernelOperation Operation => KernelOperation.IncrementBy;

        public override IReadOnlyList<ManagedLoop> ManagedLoops(int n)
        {
            long[] a = new long[n], b = new long[n];
            return
            [
                new("AsmKernels.Lab.JitLoops:IncrementBy", "the JIT's scalar loop (data[i] += value)",
                    reps => { for (int i = 0; i < reps; i++) JitLoops.IncrementBy(a, 3); return (ulong)a[0]; }),
                new($"AsmKernels.IncrementPaths:Vector", "the library's managed vector loop (aligned stores, 4x unrolled), as the JIT compiles it here",
                    reps => { for (int i = 0; i < reps; i++) IncrementPaths.Vector(b, 3); return (ulong)b[0]; }),
            ];
        }

        public override Func<int, ulong> NativeBody(IsaLevel isa, int n)
        {
            long[] a = new long[n];
            return reps => { for (int i = 0; i < reps; i++) Kernels.IncrementBy(isa, a, 3); return (ulong)a[0]; };
        }
    }
}
