using System.CommandLine;

namespace AsmKernels.AsmTools;

/// <summary>
/// The grammar of <c>asmtools</c>, the assembly tools for any routine of any library: the JIT's
/// code of any .NET method beside any native routine (<c>disasm</c>), checkasm's core on any
/// exported routine (<c>abicheck</c>), and a method against a routine, results and speed (<c>compare</c>). Each command binds its values from the parse result.
/// </summary>
internal static class CommandLine
{
    public const string Program = "asmtools";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Grammar.Run(Program, Build(args), args, stdout, stderr);

    private static RootCommand Build(string[] args)
    {
        var root = new RootCommand("AsmKernels' assembly tools: the JIT's code beside hand-written assembly, and checkasm for any routine.");
        root.SetAction(r =>
        {
            r.InvocationConfiguration.Error.WriteLine($"{Program}: name a command ({Grammar.CommandNames(root)}); {Program} --help lists them");
            return 1;
        });

        var method = new Option<string>("--method") { Description = "ASSEMBLY.dll:Namespace.Type.Method[(parameter types)]: the JIT's code for any method" };
        var native = new Option<string>("--native") { Description = "FILE:SYMBOL: a routine of a .so, .dll, .o or .obj" };
        var format = new Option<string>("--format") { Description = "text or markdown" };
        format.AcceptOnlyFromAmong("text", "markdown");
        var disasm = new Command("disasm", "the JIT's code for a method beside a native routine, with a summary") { method, native, format };
        disasm.Validators.Add(r =>
        {
            if (r.GetValue(method) is null && r.GetValue(native) is null)
                r.AddError("give --method, --native or both");
        });
        disasm.SetAction(r => UserDisasm.Run(r.GetValue(method), r.GetValue(native), r.GetValue(format)));
        root.Add(disasm);

        var library = new Argument<string>("library") { Description = "an ELF shared library (System V) or a PE DLL (Win64, under wine on Linux)" };
        var symbol = new Option<string>("--symbol") { Description = "the routine's exported name" };
        var signature = new Option<string>("--signature") { Description = "e.g. 'u64 (in u64[n], size n)': in|inout|out T[n], size n or a scalar T; T: u8 i8 u16 i16 u32 i32 u64 i64 size; or the C signature of a kernel table row" };
        var table = new Option<string>("--table") { Description = "a kernel table (kernels.txt): check every kernel row's routine, by its C signature, instead of --symbol and --signature" };
        var reference = new Option<string>("--reference") { Description = "LIBRARY:NAME of a routine that must give the same results" };
        var seed = new Option<ulong?>("--seed") { Description = "the harness's random seed (each run prints its own)" };
        var abicheck = new Command("abicheck", "checkasm for any routine: callee-saved registers, guard pages, vzeroupper, results against a reference")
        {
            library, symbol, signature, table, reference, seed,
        };
        abicheck.Validators.Add(r =>
        {
            bool hasTable = r.GetValue(table) is not null, hasRoutine = r.GetValue(symbol) is not null || r.GetValue(signature) is not null;
            if (hasTable == hasRoutine || !hasTable && (r.GetValue(symbol) is null || r.GetValue(signature) is null))
                r.AddError("abicheck takes --symbol and --signature, or --table");
            else if (hasTable && r.GetValue(reference) is not null)
                r.AddError("--reference names one routine's reference: use it with --symbol, not --table");
        });
        abicheck.SetAction(r => r.GetValue(table) is { } rows
            ? AbiCheckCommand.RunTable(r.GetValue(library)!, rows, r.GetValue(seed))
            : AbiCheckCommand.Run(r.GetValue(library)!, r.GetValue(symbol)!, r.GetValue(signature)!, r.GetValue(reference), r.GetValue(seed)));
        root.Add(abicheck);

        var compareMethod = new Option<string>("--method") { Description = "ASSEMBLY.dll:Namespace.Type.Method: a static method taking the signature's buffers as spans", Required = true };
        var compareNative = new Option<string>("--native") { Description = "FILE:SYMBOL: the routine of a shared library", Required = true };
        var compareSignature = new Option<string>("--signature") { Description = "as for abicheck, e.g. 'u64 (in u8[n], size n)'", Required = true };
        var sizes = new Option<string>("--sizes") { Description = "element counts to time, e.g. 16,256,4096,65536 (the default)" };
        var compare = new Command("compare", "a .NET method against a native routine: the same results on the same inputs, then both timed")
        {
            compareMethod, compareNative, compareSignature, sizes,
        };
        compare.SetAction(r => CompareCommand.Run(r.GetValue(compareMethod)!, r.GetValue(compareNative)!, r.GetValue(compareSignature)!, r.GetValue(sizes)));
        root.Add(compare);

        // The child process of disasm --method: not for people.
        root.Add(ProgramHost.Hidden("jit-method", () => args.Length == 3 ? UserDisasm.ChildCompile(args[1], args[2]) : 1));
        return root;
    }
}
