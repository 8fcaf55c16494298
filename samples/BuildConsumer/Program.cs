using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

// The project's own routine, assembled and linked by AsmKernels.Build beside this assembly: each
// variant this CPU runs against a managed sum, every length 0..300 at offsets 0..63 and 4096.
// The legacy-SSE variant is entered through its clean entry (vzeroupper first) on AVX machines.
string file = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "libbuildconsumer.dll" : "libbuildconsumer.so");
nint library = NativeLibrary.Load(file);
Console.WriteLine($"native library: loaded from {file}");
var variants = new List<(string Name, nint Entry)>();
variants.Add(("bytesum_sse2", NativeLibrary.GetExport(library, Avx.IsSupported ? "bytesum_sse2_vzeroupper" : "bytesum_sse2")));
if (Avx2.IsSupported)
    variants.Add(("bytesum_avx2", NativeLibrary.GetExport(library, "bytesum_avx2")));
else
    Console.WriteLine("bytesum_avx2: skipped, this CPU has no AVX2");

byte[] data = new byte[4096 + 64];
new Random(1).NextBytes(data);
int failures = 0;
foreach ((string name, nint entry) in variants)
{
    int cases = 0;
    foreach (int n in Enumerable.Range(0, 301).Append(4096))
        for (int offset = 0; offset < 64; offset++, cases++)
        {
            ulong want = 0;
            for (int i = 0; i < n; i++)
                want += data[offset + i];
            ulong got = Call(entry, data.AsSpan(offset, n));
            if (got != want && failures++ < 5)
                Console.WriteLine($"{name}: {n} bytes at offset {offset}: {got}, want {want}");
        }
    Console.WriteLine($"{name}: {cases} cases");
}
Console.WriteLine(failures == 0 ? "build consumer: all checks passed" : $"build consumer: {failures} checks FAILED");
return failures == 0 ? 0 : 1;

static unsafe ulong Call(nint entry, ReadOnlySpan<byte> bytes)
{
    fixed (byte* p = bytes)
        return ((delegate* unmanaged<byte*, nuint, ulong>)entry)(p, (nuint)bytes.Length);
}
