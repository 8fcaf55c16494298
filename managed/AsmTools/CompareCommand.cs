using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace AsmKernels.AsmTools;

/// <summary>
/// <c>asmtools compare --method ASSEMBLY.dll:Type.Method[(types)] --native FILE:SYMBOL --signature SIG [--sizes N,...]</c>:
/// the seed's question for a user's own code. Both run in this process on the same generated inputs
/// (the signature drives them, as in <c>abicheck</c>): every length 0..300 and each size, at two start
/// offsets, must give the same return value and leave the same output buffers; then each size is
/// timed (interleaved rounds, medians) and printed beside the listings' summary. Exit 0 when the
/// results agree, 1 with the first differing case, 2 when the method, the routine or the signature
/// cannot be used.
/// </summary>
internal static unsafe class CompareCommand
{
    private const int Rounds = 11;
    private static readonly int[] DefaultSizes = [16, 256, 4096, 65536];

    public static int Run(string method, string native, string signatureText, string? sizesText)
    {
        RoutineSignature? signature = RoutineSignature.Parse(signatureText, out string? error);
        if (signature is null)
            return Fail(2, $"--signature '{signatureText}': {error}");
        int[] sizes = DefaultSizes;
        if (sizesText is not null && !TryParseSizes(sizesText, out sizes))
            return Fail(2, $"--sizes takes element counts from 1 to 16,777,216 separated by commas, not '{sizesText}'");
        if (!signature.Arguments.Any(a => a.Kind == ArgumentKind.Size))
            sizes = [1];

        MethodInfo? managed = FindMethod(method, signature, out error);
        if (managed is null)
            return Fail(2, error!);
        nint routine = FindRoutine(native, out error);
        if (routine == 0)
            return Fail(2, error!);
        var callManaged = ManagedThunk(managed, signature);
        var callNative = NativeThunk(signature);

        // Results: every length 0..300 and each size, at offsets 0 and 3 bytes.
        var lengths = Enumerable.Range(0, 301).Concat(sizes).Distinct().ToList();
        int cases = 0;
        var inputs = new Inputs(signature, lengths.Max(), seed: 0x5EED_C0DE);
        foreach (int n in lengths)
        {
            foreach (int offset in (int[])[0, 3])
            {
                inputs.Fill(n, offset);
                ulong want = callManaged(inputs.ManagedPointers, (nuint)n, inputs.Scalars);
                ulong got = callNative(routine, inputs.NativePointers, (nuint)n, inputs.Scalars);
                cases++;
                if (inputs.FirstDifference(n, want, got) is { } difference)
                {
                    Console.WriteLine($"compare: results differ at {n} elements, offset {offset} bytes: {difference}");
                    return 1;
                }
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"compare: {managed.DeclaringType!.FullName}.{managed.Name} (the JIT) against {native}, signature {signatureText.Trim()}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"CPU: {CpuBrand()}; .NET {Environment.Version}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"results: identical in {cases} cases (lengths 0..300 and {string.Join(", ", sizes)}, offsets 0 and 3 bytes)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"| elements | managed | native | native speedup |  (median of {Rounds} interleaved rounds)");
        sb.AppendLine("|---:|---:|---:|---:|");
        foreach (int n in sizes)
        {
            inputs.Fill(n, 0);
            (double m, double nat) = Time(() => callManaged(inputs.ManagedPointers, (nuint)n, inputs.Scalars),
                                          () => callNative(routine, inputs.NativePointers, (nuint)n, inputs.Scalars));
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {n:N0} | {Ns(m)} | {Ns(nat)} | {m / nat:F2}x |");
        }
        Console.Write(sb.ToString());
        Console.WriteLine();
        Summaries(method, native);
        return 0;
    }

    /// <summary>The listings' summary of both sides, as <c>disasm</c> prints it (or why one is missing).</summary>
    private static void Summaries(string method, string native)
    {
        var rows = new List<string[]>();
        foreach ((string name, Func<Listing?> get) in new (string, Func<Listing?>)[]
        {
            (method, () => UserDisasm.ManagedListing(method, out _)),
            (native, () => UserDisasm.Native(native, out _)),
        })
        {
            Listing? listing;
            try { listing = get(); }
            catch (Exception e) when (e is InvalidOperationException or IOException or InvalidDataException) { listing = null; }
            if (listing is null)
            {
                rows.Add([name, "(no listing)", "", "", "", ""]);
                continue;
            }
            ListingSummary s = ListingSummary.Of(listing, 1);
            rows.Add([name, $"{s.Instructions}", $"{listing.CodeBytes}", ListingSummary.LoopText(s), ListingSummary.ElementsText(s), s.WidestRegister]);
        }
        Console.WriteLine("| listing | instructions | bytes | hot-loop instructions | bytes read/iteration | widest register |");
        Console.WriteLine("|---|--:|--:|--:|--:|---|");
        foreach (string[] row in rows)
            Console.WriteLine("| " + string.Join(" | ", row) + " |");
    }

    private static (double Managed, double Native) Time(Func<ulong> managed, Func<ulong> native)
    {
        // Warm-up long enough for the JIT's tier 1 (30 calls, then its background compile).
        var warm = Stopwatch.StartNew();
        ulong sink = 0;
        while (warm.ElapsedMilliseconds < 250)
        {
            sink += managed();
            sink += native();
        }
        long reps = 1;
        for (var t = Stopwatch.StartNew(); t.Elapsed.TotalMilliseconds < 2; reps *= 2)
            for (long i = 0; i < reps; i++)
                sink += managed();
        var m = new double[Rounds];
        var n = new double[Rounds];
        for (int r = 0; r < Rounds; r++)
        {
            // Alternate which runs first, so drift on the machine hits both.
            if (r % 2 == 0) { m[r] = Measure(managed, reps, ref sink); n[r] = Measure(native, reps, ref sink); }
            else { n[r] = Measure(native, reps, ref sink); m[r] = Measure(managed, reps, ref sink); }
        }
        GC.KeepAlive(sink);
        Array.Sort(m);
        Array.Sort(n);
        return (m[Rounds / 2], n[Rounds / 2]);
    }

    private static double Measure(Func<ulong> f, long reps, ref ulong sink)
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < reps; i++)
            sink += f();
        return (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency / reps;
    }

    private static string Ns(double ns) => ns >= 1e6 ? $"{ns / 1e6:F2} ms" : ns >= 1e3 ? $"{ns / 1e3:F2} µs" : $"{ns:F1} ns";

    private static bool TryParseSizes(string text, out int[] sizes)
    {
        var list = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 1 << 24)
            {
                sizes = [];
                return false;
            }
            list.Add(n);
        }
        sizes = [.. list];
        return list.Count > 0;
    }

    /// <summary>The static method <paramref name="spec"/> names, whose parameters are the signature's in .NET (spans for buffers, no count).</summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode("loads the user's assembly")]
    private static MethodInfo? FindMethod(string spec, RoutineSignature signature, out string? error)
    {
        if (!UserDisasm.TrySplitMethod(spec, out string path, out string member, out error))
            return null;
        if (!File.Exists(path))
        {
            error = $"{path}: no such file";
            return null;
        }
        int paren = member.IndexOf('(', StringComparison.Ordinal);
        string name = paren < 0 ? member : member[..paren];
        int dot = name.LastIndexOf('.');
        if (dot <= 0)
        {
            error = $"'{member}' names no type: write Namespace.Type.Method";
            return null;
        }
        Assembly assembly = Assembly.LoadFrom(path);
        string typeName = name[..dot], methodName = name[(dot + 1)..];
        Type? type = assembly.GetType(typeName) ?? assembly.GetType(typeName.LastIndexOf('.') is int i and > 0 ? typeName[..i] + "+" + typeName[(i + 1)..] : typeName);
        if (type is null)
        {
            error = $"{Path.GetFileName(path)} has no type {typeName}";
            return null;
        }
        var wanted = signature.ManagedParameters;
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;
        MethodInfo? match = type.GetMethods(All).FirstOrDefault(m => m.Name == methodName
            && m.GetParameters().Select(p => p.ParameterType).SequenceEqual(wanted)
            && (signature.Return is null ? m.ReturnType == typeof(void) : m.ReturnType == signature.Return));
        if (match is null)
        {
            error = $"{typeName} has no static method {signature.ManagedDeclaration(methodName)}, the .NET form of the signature (buffers as spans, which carry the count)";
            return null;
        }
        return match;
    }

    private static nint FindRoutine(string spec, out string? error)
    {
        error = null;
        int colon = spec.LastIndexOf(':');
        if (colon <= 0 || colon == spec.Length - 1)
        {
            error = $"--native takes FILE:SYMBOL of a shared library, not '{spec}'";
            return 0;
        }
        string file = Path.GetFullPath(spec[..colon]), symbol = spec[(colon + 1)..];
        try
        {
            BinaryFile.Check(file); // a FIFO would block the loader's open, a device feed it without end
        }
        catch (IOException e)
        {
            error = e.Message;
            return 0;
        }
        if (!NativeLibrary.TryLoad(file, out nint library))
        {
            error = File.Exists(file) ? $"{file} could not be loaded as a shared library of this platform" : $"{file}: no such file";
            return 0;
        }
        if (!NativeLibrary.TryGetExport(library, symbol, out nint address))
        {
            error = $"{file} does not export {symbol}";
            return 0;
        }
        return address;
    }

    private delegate ulong ManagedCall(nint[] buffers, nuint count, ulong[] scalars);
    private delegate ulong NativeCall(nint routine, nint[] buffers, nuint count, ulong[] scalars);

    /// <summary>A call of <paramref name="method"/> from pointers, the count and scalars: spans made over the buffers, the result widened to 64 bits.</summary>
    private static ManagedCall ManagedThunk(MethodInfo method, RoutineSignature signature)
    {
        var dm = new DynamicMethod("compare_managed", typeof(ulong), [typeof(nint[]), typeof(nuint), typeof(ulong[])], typeof(CompareCommand).Module, skipVisibility: true);
        ILGenerator il = dm.GetILGenerator();
        int buffer = 0, scalar = 0;
        foreach (RoutineArgument a in signature.Arguments)
        {
            if (a.Kind == ArgumentKind.Size)
                continue;
            if (a.IsBuffer)
            {
                Type span = (a.Kind == ArgumentKind.In ? typeof(ReadOnlySpan<>) : typeof(Span<>)).MakeGenericType(a.Type);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldc_I4, buffer++);
                il.Emit(OpCodes.Ldelem_I);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Conv_Ovf_I4_Un);
                il.Emit(OpCodes.Newobj, span.GetConstructor([typeof(void*), typeof(int)])!);
            }
            else
            {
                LoadScalar(il, 2, scalar++, a.Type);
            }
        }
        il.Emit(OpCodes.Call, method);
        Widen(il, signature.Return);
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<ManagedCall>();
    }

    /// <summary>A call of a routine's address with the platform's C convention, in the signature's order.</summary>
    private static NativeCall NativeThunk(RoutineSignature signature)
    {
        var dm = new DynamicMethod("compare_native", typeof(ulong), [typeof(nint), typeof(nint[]), typeof(nuint), typeof(ulong[])], typeof(CompareCommand).Module, skipVisibility: true);
        ILGenerator il = dm.GetILGenerator();
        var parameters = new List<Type>();
        int buffer = 0, scalar = 0;
        foreach (RoutineArgument a in signature.Arguments)
        {
            if (a.IsBuffer)
            {
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldc_I4, buffer++);
                il.Emit(OpCodes.Ldelem_I);
                parameters.Add(typeof(nint));
            }
            else if (a.Kind == ArgumentKind.Size)
            {
                il.Emit(OpCodes.Ldarg_2);
                parameters.Add(typeof(nuint));
            }
            else
            {
                LoadScalar(il, 3, scalar++, a.Type);
                parameters.Add(a.Type);
            }
        }
        il.Emit(OpCodes.Ldarg_0);
        il.EmitCalli(OpCodes.Calli, CallingConvention.Cdecl, signature.Return ?? typeof(void), [.. parameters]);
        Widen(il, signature.Return);
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<NativeCall>();
    }

    private static void LoadScalar(ILGenerator il, short array, int index, Type type)
    {
        il.Emit(OpCodes.Ldarg_S, (byte)array);
        il.Emit(OpCodes.Ldc_I4, index);
        il.Emit(OpCodes.Ldelem_I8);
        il.Emit(type == typeof(byte) ? OpCodes.Conv_U1 : type == typeof(sbyte) ? OpCodes.Conv_I1
            : type == typeof(ushort) ? OpCodes.Conv_U2 : type == typeof(short) ? OpCodes.Conv_I2
            : type == typeof(uint) ? OpCodes.Conv_U4 : type == typeof(int) ? OpCodes.Conv_I4
            : type == typeof(nuint) ? OpCodes.Conv_U : OpCodes.Conv_U8);
    }

    private static void Widen(ILGenerator il, Type? type)
    {
        if (type is null)
            il.Emit(OpCodes.Ldc_I4_0);
        bool signed = type == typeof(sbyte) || type == typeof(short) || type == typeof(int) || type == typeof(long);
        il.Emit(signed ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
    }

    private static string CpuBrand()
    {
        if (!X86Base.IsSupported)
            return RuntimeInformation.ProcessArchitecture.ToString();
        var sb = new StringBuilder();
        for (int leaf = unchecked((int)0x80000002); leaf <= unchecked((int)0x80000004); leaf++)
        {
            (int a, int b, int c, int d) = X86Base.CpuId(leaf, 0);
            foreach (int r in (int[])[a, b, c, d])
                for (int i = 0; i < 4; i++)
                    if ((char)((r >> (8 * i)) & 0xFF) is var ch and not '\0')
                        sb.Append(ch);
        }
        return sb.ToString().Trim();
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"{CommandLine.Program}: compare: {message}");
        return code;
    }

    /// <summary>
    /// The buffers and scalars of one case, the same bytes for both sides: inputs random, each side's
    /// inout and out buffers its own copy (out ones pre-filled alike, so an element one side does
    /// not write compares too), placed at an offset from a 64-byte boundary.
    /// </summary>
    private sealed class Inputs
    {
        private readonly RoutineSignature _signature;
        private readonly List<(RoutineArgument Arg, nint Managed, nint Native)> _buffers = [];
        private ulong _rng;

        public nint[] ManagedPointers { get; }
        public nint[] NativePointers { get; }
        public ulong[] Scalars { get; }

        public Inputs(RoutineSignature signature, int most, ulong seed)
        {
            _signature = signature;
            _rng = seed;
            foreach (RoutineArgument a in signature.Arguments.Where(x => x.IsBuffer))
            {
                nuint bytes = (nuint)(most * RoutineSignature.Bytes(a.Type) + 128);
                var m = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
                var n = a.Kind == ArgumentKind.In ? m : (byte*)NativeMemory.AlignedAlloc(bytes, 64);
                _buffers.Add((a, (nint)m, (nint)n));
            }
            ManagedPointers = new nint[_buffers.Count];
            NativePointers = new nint[_buffers.Count];
            Scalars = new ulong[signature.Arguments.Count(x => x.Kind == ArgumentKind.Scalar)];
        }

        private ulong Next()
        {
            _rng ^= _rng << 13; _rng ^= _rng >> 7; _rng ^= _rng << 17;
            return _rng;
        }

        public void Fill(int n, int offset)
        {
            for (int i = 0; i < _buffers.Count; i++)
            {
                (RoutineArgument a, nint mAddress, nint nAddress) = _buffers[i];
                byte* m = (byte*)mAddress, nat = (byte*)nAddress;
                int bytes = n * RoutineSignature.Bytes(a.Type);
                for (int b = 0; b < bytes; b++)
                    m[offset + b] = (byte)Next();
                if (nat != m)
                    Buffer.MemoryCopy(m + offset, nat + offset, bytes, bytes);
                ManagedPointers[i] = (nint)(m + offset);
                NativePointers[i] = (nint)(nat + offset);
            }
            for (int i = 0; i < Scalars.Length; i++)
                Scalars[i] = Next();
        }

        /// <summary>The first difference between the two sides after a case, or null.</summary>
        public string? FirstDifference(int n, ulong managed, ulong native)
        {
            if (_signature.Return is not null && managed != native)
                return $"the method returned {RoutineSignature.Text(managed)}, the routine {RoutineSignature.Text(native)}";
            for (int i = 0; i < _buffers.Count; i++)
            {
                (RoutineArgument a, _, _) = _buffers[i];
                if (a.Kind == ArgumentKind.In)
                    continue;
                int size = RoutineSignature.Bytes(a.Type);
                var m = (byte*)ManagedPointers[i];
                var nat = (byte*)NativePointers[i];
                for (int e = 0; e < n; e++)
                    if (!new ReadOnlySpan<byte>(m + e * size, size).SequenceEqual(new ReadOnlySpan<byte>(nat + e * size, size)))
                        return $"buffer {i + 1} ({a.Kind.ToString().ToLowerInvariant()} {a.Type.Name}[{a.SizeName}]) differs first at element {e}";
            }
            return null;
        }
    }
}
