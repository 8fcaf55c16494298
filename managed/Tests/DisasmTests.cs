using System.Reflection;
using AsmKernels.AsmTools;
using AsmKernels.Lab;
using Iced.Intel;

namespace AsmKernels.Tests;

/// <summary>
/// <c>asmkernels-lab disasm</c> and <c>asmtools disasm</c>: the native listings come from the loaded library and are bounded by
/// the recorded sizes, the JIT listings come from a child process, and the summaries count what
/// the listings hold.
/// </summary>
public class DisasmTests
{
    private static string RepositoryRoot =>
        typeof(DisasmTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static NativeImage LoadedImage()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded, $"the native library is not loaded: {Kernels.NativeLibraryError}");
        return NativeImage.Open(Kernels.NativeLibraryPath!);
    }

    private static Listing Native(string export)
    {
        NativeImage image = LoadedImage();
        return DisasmReport.NativeListing(image, image.Exports[export], loaded: true);
    }

    private static IEnumerable<ListingLine> HotLoopOf(Listing listing, int elementBytes = 8)
    {
        HotLoop loop = ListingSummary.Of(listing, elementBytes).Loop ?? throw new Xunit.Sdk.XunitException($"{listing.Title} has no loop");
        return listing.Lines.Skip(loop.First).Take(loop.Last - loop.First + 1).Where(l => l.Kind == LineKind.Instruction);
    }

    [SkippableFact]
    public void The_popcnt_kernel_has_four_popcnt_in_its_hot_loop()
    {
        Listing listing = Native("asmk_popcount_popcnt");
        Assert.Equal(4, HotLoopOf(listing).Count(l => l.Mnemonic == "popcnt"));
        ListingSummary summary = ListingSummary.Of(listing, 8);
        Assert.Equal(4, summary.Loop!.ElementsPerIteration);
        Assert.Equal("general-purpose only", summary.WidestRegister);
        Assert.Equal("ret", listing.Lines[^1].Mnemonic);
    }

    [SkippableFact]
    public void The_sse2_increment_adds_with_paddq_eight_elements_per_iteration()
    {
        Listing listing = Native("asmk_increment_sse2");
        Assert.Contains(listing.Lines, l => l.Mnemonic == "paddq");
        Assert.Equal(4, HotLoopOf(listing).Count(l => l.Mnemonic == "paddq"));
        ListingSummary summary = ListingSummary.Of(listing, 8);
        Assert.Equal(8, summary.Loop!.ElementsPerIteration);
        Assert.Equal(128, summary.VectorBits);
    }

    [SkippableFact]
    public void Native_listings_span_exactly_the_recorded_symbol_size()
    {
        NativeImage image = LoadedImage();
        Assert.Equal("ELF", image.Format);
        foreach (NativeSymbol symbol in image.Exports.Values)
        {
            Listing listing = DisasmReport.NativeListing(image, symbol, loaded: true);
            Assert.Equal((int)symbol.Size, listing.CodeBytes);
            // The rule used where a PE export has no size (cut after the last return no branch passes)
            // must give the same length here, where the size is known.
            byte[] code = image.ReadBytes(symbol);
            var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code), symbol.Address);
            var instructions = new List<Instruction>();
            while (decoder.IP < symbol.Address + symbol.Size)
                instructions.Add(decoder.Decode());
            Assert.Equal(instructions.Count, NativeDisassembler.RoutineLength(instructions));
            Assert.Equal(instructions.Count, ListingSummary.Of(listing, 8).Instructions);
        }
    }

    [SkippableFact]
    public void The_windows_dll_lists_the_same_exports_each_ending_in_a_return()
    {
        string dll = Path.Combine(RepositoryRoot, "build", "native-win64", "libasmkernels.dll");
        Skip.IfNot(File.Exists(dll), $"{dll} is not built (./build.sh test builds it after these tests; run them again to cover it)");
        NativeImage pe = NativeImage.Open(dll), elf = LoadedImage();
        Assert.Equal("PE", pe.Format);
        Assert.Equal(elf.Exports.Keys.Order(), pe.Exports.Keys.Order());
        foreach (NativeSymbol symbol in pe.Exports.Values)
        {
            Listing listing = DisasmReport.NativeListing(pe, symbol, loaded: false);
            Assert.True(listing.CodeBytes <= (int)symbol.Size);
            if (symbol.Name.EndsWith(KernelTable.CleanEntrySuffix, StringComparison.Ordinal))
            {
                // A clean entry is vzeroupper, then its kernel (a PE export runs to the next one).
                Assert.Equal("vzeroupper", listing.Lines[0].Mnemonic);
                Assert.Equal(pe.Exports[symbol.Name[..^KernelTable.CleanEntrySuffix.Length]].Address, symbol.Address + 3);
                continue;
            }
            Assert.Equal("ret", listing.Lines[^1].Mnemonic);
        }
        Assert.Equal(4, HotLoopOf(DisasmReport.NativeListing(pe, pe.Exports["asmk_popcount_popcnt"], loaded: false)).Count(l => l.Mnemonic == "popcnt"));
    }

    [Theory]
    [InlineData("fullopts")]
    [InlineData("tier1")]
    public void The_jit_listings_name_their_methods_and_hold_a_loop(string modeName)
    {
        JitMode mode = Enum.Parse<JitMode>(modeName, ignoreCase: true);
        DisasmOperation op = DisasmOperation.All.Single(o => o.Name == "popcount");
        IReadOnlyList<Listing> listings = JitDisassembler.Disassemble(op, mode);
        Assert.Equal(2, listings.Count);
        Assert.StartsWith("AsmKernels.Lab.JitLoops:PopCount(", listings[0].Title);
        Assert.StartsWith("AsmKernels.Lab.JitLoops:PopCountVector256(", listings[1].Title);
        Assert.All(listings, l => Assert.Equal(mode == JitMode.Tier1 ? "JIT Tier1" : "JIT FullOpts", l.Origin));
        Assert.Contains(listings[0].Lines, l => l.Mnemonic == "popcnt");
        Assert.Equal(1, ListingSummary.Of(listings[0], 8).Loop!.ElementsPerIteration);
        Assert.Equal(4, ListingSummary.Of(listings[1], 8).Loop!.ElementsPerIteration);
        Assert.All(listings, l => Assert.True(l.CodeBytes > 0, $"{l.Title}: no code size"));
        Assert.All(listings, l => Assert.DoesNotMatch(@"0x[0-9A-F]{8,}|G_M\d+_IG", string.Join('\n', l.TextLines))); // no addresses, no JIT labels
    }

    [SkippableFact]
    public void The_library_vector_loop_is_listed_as_compiled_fully_optimized_in_tier1_mode()
    {
        // IncrementPaths.Vector is AggressiveOptimization: one fully optimized compilation, no tier 1.
        Skip.IfNot(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated, "no accelerated 256-bit vectors for the JIT here");
        DisasmOperation op = DisasmOperation.All.Single(o => o.Name == "increment");
        IReadOnlyList<Listing> listings = JitDisassembler.Disassemble(op, JitMode.Tier1);
        Assert.Equal(2, listings.Count);
        Assert.Equal("JIT Tier1", listings[0].Origin);
        Assert.StartsWith("AsmKernels.IncrementPaths:Vector(", listings[1].Title);
        Assert.Equal("JIT FullOpts", listings[1].Origin);
        Assert.Contains(listings[1].Lines, l => l.Mnemonic == "vpaddq");
    }

    private const string JitText = """
        ; Assembly listing for method Demo:Sum(System.Span`1[long]):long (Tier1)
        ; Tier1 code

        G_M000_IG01:
               push     rbp
               mov      rbp, rsp

        G_M000_IG02:
               xor      eax, eax
               test     esi, esi
               jle      SHORT G_M000_IG05
               align    [0 bytes for IG03]

        G_M000_IG03:
               lea      rcx, bword ptr [rdi+rax]
               vmovdqu  ymm0, ymmword ptr [rdi+8*rdx]
               vpaddq   ymm0, ymm0, ymmword ptr [rdi+8*rdx+0x20]
               vmovdqu  ymmword ptr [rdi+8*rdx], ymm0
               vpaddq   ymm1, ymm1, ymmword ptr [(reloc)]
               mov      qword ptr [rbp-0x08], rax
               add      rdx, 8
               jne      SHORT G_M000_IG03

        G_M000_IG04:
               add      qword ptr [rsi+8*rcx], rax
               dec      ecx
               jne      SHORT G_M000_IG04

        G_M000_IG05:
               pop      rbp
               ret
        ; Total bytes of code 61

        """;

    [Fact]
    public void Summaries_count_what_a_known_listing_holds()
    {
        Listing listing = JitListing.Find(JitText, "Demo:Sum", "Tier1")!;
        Assert.Equal("Demo:Sum(System.Span`1[long]):long", listing.Title);
        Assert.Equal(
            ["push        rbp", "mov         rbp, rsp", "xor         eax, eax", "test        esi, esi", "jle         L2", "align [0 bytes]", "L0", "lea         rcx, bword ptr [rdi+rax]"],
            listing.Lines.Take(8).Select(l => l.Text));
        ListingSummary summary = ListingSummary.Of(listing, 8);
        Assert.Equal(18, summary.Instructions);
        Assert.Equal(61, summary.CodeBytes);
        Assert.Equal(256, summary.VectorBits);
        // Two ymm offsets of one stream (the store repeats the first): 64 bytes, 8 elements; the
        // lea, the relocated constant and the stack slot are not streams. The second loop has 1.
        Assert.Equal(new HotLoop("L0", 6, 14, 8, 8), summary.Loop);
        Assert.Null(JitListing.Find(JitText, "Demo:Sum", "FullOpts"));
    }
}
