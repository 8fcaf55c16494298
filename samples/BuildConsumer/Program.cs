using AsmKernels.Build;
using BuildConsumer;

// The project's own routine, assembled, linked and bound by AsmKernels.Build: what was bound and
// why, then each kernel this CPU runs and the dispatched method against the managed fallback,
// every length 0..300 at offsets 0..63 and 4096.
Console.Write(NativeKernels.Describe());
byte[] data = new byte[4096 + 64];
new Random(1).NextBytes(data);
var runs = new List<(string Name, Func<ReadOnlySpan<byte>, ulong> Sum)> { ("ByteSum (dispatched)", d => ByteSums.ByteSum(d)) };
foreach (string name in NativeKernels.KernelsOf("bytesum"))
{
    if (NativeKernels.WhyNot(name) is { } why)
        Console.WriteLine($"{name}: skipped, {why}");
    else
        runs.Add((name, d => ByteSums.ByteSum(name, d)));
}
int failures = 0;
foreach ((string name, Func<ReadOnlySpan<byte>, ulong> sum) in runs)
{
    int cases = 0;
    foreach (int n in Enumerable.Range(0, 301).Append(4096))
        for (int offset = 0; offset < 64; offset++, cases++)
        {
            ReadOnlySpan<byte> span = data.AsSpan(offset, n);
            ulong got = sum(span), want = ByteSums.Reference(span);
            if (got != want && failures++ < 5)
                Console.WriteLine($"{name}: {n} bytes at offset {offset}: {got}, want {want}");
        }
    Console.WriteLine($"{name}: {cases} cases");
}
Console.WriteLine(failures == 0 ? "build consumer: all checks passed" : $"build consumer: {failures} checks FAILED");
return failures == 0 ? 0 : 1;
