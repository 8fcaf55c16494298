using System.Runtime.CompilerServices;

namespace AsmKernels.Tests;

/// <summary>The managed vector loops compiled off the caller's thread, and the public API on both sides of that.</summary>
public class BackgroundCompiledTests
{
    private static bool WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            Thread.Sleep(1);
        }
        return true;
    }

    [SkippableFact]
    public void The_loop_compiles_once_in_the_background_after_enough_calls()
    {
        Skip.IfNot(RuntimeFeature.IsDynamicCodeCompiled, "no JIT: every loop is ready at once");
        int calls = 0, callerThread = Environment.CurrentManagedThreadId, compileThread = 0;
        var loop = new BackgroundCompiled(() =>
        {
            Interlocked.Increment(ref calls);
            compileThread = Environment.CurrentManagedThreadId;
        });
        for (int i = 1; i < BackgroundCompiled.CallsBeforeCompiling; i++)
            Assert.False(loop.IsReady);
        Thread.Sleep(20);
        Assert.Equal(0, calls); // not started before the threshold
        Assert.False(loop.IsReady); // the last call below the threshold: starts it, still not ready
        Assert.True(WaitFor(() => loop.HasCompiled), "the background compilation never finished");
        Assert.True(loop.IsReady);
        for (int i = 0; i < 1000; i++)
            Assert.True(loop.IsReady);
        Assert.Equal(1, calls);
        Assert.NotEqual(callerThread, compileThread);
    }

    [SkippableFact]
    public void A_loop_that_throws_is_never_used_and_nothing_crashes()
    {
        Skip.IfNot(RuntimeFeature.IsDynamicCodeCompiled, "no JIT: every loop is ready at once");
        int calls = 0;
        var loop = new BackgroundCompiled(() =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("broken loop");
        });
        Assert.False(loop.CompileNow());
        Assert.Equal(1, calls);
        for (int i = 0; i < 2 * BackgroundCompiled.CallsBeforeCompiling; i++)
            Assert.False(loop.IsReady);
        Thread.Sleep(20);
        Assert.Equal(1, calls); // never tried again
        Assert.False(loop.HasCompiled);
    }

    [SkippableFact]
    public void Many_threads_asking_at_once_start_one_compilation()
    {
        Skip.IfNot(RuntimeFeature.IsDynamicCodeCompiled, "no JIT: every loop is ready at once");
        int calls = 0;
        var loop = new BackgroundCompiled(() => Interlocked.Increment(ref calls));
        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 10 * BackgroundCompiled.CallsBeforeCompiling; i++)
                _ = loop.IsReady;
        });
        Assert.True(WaitFor(() => loop.HasCompiled), "the background compilation never finished");
        Assert.Equal(1, calls);
    }

    /// <summary>
    /// Every length from 0 past each operation's NativeFrom through the public API, while the
    /// kernels serve the vector loops' lengths and after the loops are compiled: the same answers
    /// as the reference, nothing written outside the range.
    /// </summary>
    [Fact]
    public void Public_API_is_exact_before_and_after_the_vector_loops_compile()
    {
        CheckAllLengths("while the kernels serve the vector loops' lengths (or already compiled)");
        Assert.True(PopCountPaths.VectorLoop.CompileNow());
        Assert.True(HammingPaths.VectorLoop.CompileNow());
        Assert.True(IncrementPaths.VectorLoop.CompileNow());
        CheckAllLengths("after the vector loops compiled");
    }

    private static void CheckAllLengths(string when)
    {
        byte[] buffer = Reference.RandomBuffer(17);
        int most = Math.Max(IncrementPaths.NativeFrom, Math.Max(PopCountPaths.NativeFrom, HammingPaths.NativeFrom)) + 9;
        for (int n = 0; n <= most; n++)
        {
            var a = Reference.Words(buffer, 3, n);
            var b = Reference.Words(buffer, 8 * (n + 7) + 5, n);
            Assert.True(BitOps.PopCount(a) == Reference.PopCount(a), $"PopCount, {n} words, {when}");
            Assert.True(BitOps.HammingDistance(a, b) == Reference.Hamming(a, b), $"HammingDistance, {n} words, {when}");

            long[] data = new long[n + 2];
            for (int i = 0; i < data.Length; i++)
                data[i] = i * 0x9E37_79B9L;
            Int64Ops.IncrementBy(data.AsSpan(1, n), long.MaxValue);
            Assert.Equal(0L, data[0]);
            Assert.Equal((n + 1) * 0x9E37_79B9L, data[n + 1]);
            for (int i = 1; i <= n; i++)
                Assert.True(data[i] == unchecked(i * 0x9E37_79B9L + long.MaxValue), $"IncrementBy, {n} elements, element {i - 1}, {when}");
        }
    }
}
