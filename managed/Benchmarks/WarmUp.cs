using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace AsmKernels.Benchmarks;

/// <summary>
/// In-process runs share the JIT with the runner: call every benchmark method enough times to be
/// promoted to tier-1 code, and give the background compiler time to finish, before anything is
/// measured. Without this, whichever method runs first is measured partly at tier 0.
/// </summary>
internal static class WarmUp
{
    public static void All(params Type[] benchmarkTypes)
    {
        foreach (Type type in benchmarkTypes)
        {
            foreach (int n in new[] { 8, 256 })
            {
                object instance = Activator.CreateInstance(type)!;
                type.GetProperties().Single(p => p.GetCustomAttribute<ParamsSourceAttribute>() is not null).SetValue(instance, n);
                type.GetMethods().Single(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null).Invoke(instance, null);
                foreach (MethodInfo method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
                {
                    try
                    {
                        for (int i = 0; i < 2000; i++)
                            method.Invoke(instance, null);
                    }
                    catch (TargetInvocationException e) when (e.InnerException is PlatformNotSupportedException)
                    {
                        // A kernel this CPU cannot run (an AVX-512 row on an AVX2 machine): the run skips it too.
                    }
                }
            }
        }
        Thread.Sleep(500);
    }
}

/// <summary>
/// Whether a benchmark method of a sized benchmark can run on this machine: it is called once, on
/// 8 elements, and a <see cref="PlatformNotSupportedException"/> (an AVX-512 kernel on an AVX2
/// CPU, ISA-L missing) gives the reason.
/// </summary>
internal static class Probe
{
    private static readonly Dictionary<(Type, string), string?> Cache = [];

    public static string? WhyNot(Type type, string method)
    {
        if (Cache.TryGetValue((type, method), out string? why))
            return why;
        object instance = Activator.CreateInstance(type)!;
        type.GetProperties().Single(p => p.GetCustomAttribute<ParamsSourceAttribute>() is not null).SetValue(instance, 8);
        type.GetMethods().Single(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null).Invoke(instance, null);
        try
        {
            type.GetMethod(method)!.Invoke(instance, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is PlatformNotSupportedException reason)
        {
            why = reason.Message;
        }
        Cache[(type, method)] = why;
        return why;
    }
}
