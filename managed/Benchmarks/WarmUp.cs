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
                    for (int i = 0; i < 2000; i++)
                        method.Invoke(instance, null);
                }
            }
        }
        Thread.Sleep(500);
    }
}
