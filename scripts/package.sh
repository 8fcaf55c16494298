# package.sh - sourced by build.sh: `./build.sh pack` and the package suites of `./build.sh test`.
# Uses build.sh's ROOT, BUILD, CONFIG, say, die, apt_install, count, find_wine and counters.

VERSION="$(sed -nE 's:.*<Version>([^<]+)</Version>.*:\1:p' "$ROOT/managed/Interop/AsmKernels.csproj")"
FEED="$BUILD/feed"
# Every local pack gets a version of its own, so that no NuGet cache (the global packages folder
# included) can hand back the binaries of an earlier pack under the same number; a release
# (ASMKERNELS_RELEASE=1) takes the plain version. Set by pack, written to build/feed/VERSION.
PACK_VERSION=""
PACKAGE=""
CONSUMER="$ROOT/samples/Consumer/Consumer.csproj"

WINDOWS_DLL_BUILT=0  # set by test_windows, which builds the DLL first
WINDOWS_WHY=""
# windows_dll -- cross-builds build/native-win64/libasmkernels.dll (MinGW-w64, installed as root
# when missing), unless this run already did; on failure returns 1 with the reason in WINDOWS_WHY.
windows_dll() {
    ((WINDOWS_DLL_BUILT == 0)) || return 0
    if ! command -v x86_64-w64-mingw32-gcc >/dev/null && ! apt_install gcc-mingw-w64-x86-64; then
        WINDOWS_WHY="gcc-mingw-w64-x86-64 is not installed and cannot be installed here (needs root and apt-get)"
        return 1
    fi
    say "native: MinGW-w64 cross build (libasmkernels.dll)"
    cross_build_windows asmkernels || { WINDOWS_WHY="the MinGW-w64 cross build of libasmkernels.dll failed"; return 1; }
    WINDOWS_DLL_BUILT=1
}

# pack_version -- VERSION for a release (ASMKERNELS_RELEASE=1), else VERSION-dev.<UTC time>.g<commit>.
pack_version() {
    if [[ ${ASMKERNELS_RELEASE:-} == 1 ]]; then printf '%s\n' "$VERSION"; return; fi
    local commit
    commit="$(git -C "$ROOT" rev-parse --short=8 HEAD 2>/dev/null || echo 0)"
    printf '%s-dev.%s.g%s\n' "$VERSION" "$(date -u +%Y%m%d%H%M%S)" "$commit"
}

# pack -- AsmKernels.<version>.nupkg (+ .snupkg) with both native libraries, and the CLI as the
# .NET tool AsmKernels.Cli.<version>.nupkg (and one package per platform), in build/feed; the
# version in build/feed/VERSION.
pack() {
    windows_dll || die "pack needs the Windows DLL: $WINDOWS_WHY"
    PACK_VERSION="$(pack_version)"
    PACKAGE="$FEED/AsmKernels.$PACK_VERSION.nupkg"
    say "package: dotnet pack, version $PACK_VERSION"
    rm -rf "$FEED"
    local args=(-p:Version="$PACK_VERSION"
                -p:AsmkLinuxNative="$BUILD/native/libasmkernels.so"
                -p:AsmkWindowsNative="$BUILD/native-win64/libasmkernels.dll")
    if git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1; then
        args+=(-p:RepositoryCommit="$(git -C "$ROOT" rev-parse HEAD)")
        local url; url="$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)"
        # Only a remote others can reach: a local path or file:// URL means nothing in a package.
        [[ $url =~ ^(https?://|git@|ssh://) ]] && args+=(-p:RepositoryUrl="$url")
    fi
    dotnet pack "$ROOT/managed/Interop/AsmKernels.csproj" -c $CONFIG -o "$FEED" "${args[@]}" -v quiet -nologo
    dotnet pack "$ROOT/managed/Cli/Cli.csproj" -c $CONFIG -o "$FEED" "${args[@]}" -v quiet -nologo
    dotnet pack "$ROOT/managed/AsmTools/AsmTools.csproj" -c $CONFIG -o "$FEED" "${args[@]}" -v quiet -nologo
    dotnet pack "$ROOT/managed/Build/AsmKernels.Build.csproj" -c $CONFIG -o "$FEED" -p:Version="$PACK_VERSION" -v quiet -nologo
    dotnet pack "$ROOT/templates/AsmKernels.Templates.csproj" -c $CONFIG -o "$FEED" -p:Version="$PACK_VERSION" -v quiet -nologo
    printf '%s\n' "$PACK_VERSION" > "$FEED/VERSION"
    command -v unzip >/dev/null || apt_install unzip || die "pack checks the package with unzip: apt-get install -y unzip"
    local entry listing
    listing="$(unzip -Z1 "$PACKAGE")"
    for entry in lib/net10.0/AsmKernels.dll lib/net10.0/AsmKernels.xml README.md LICENSE \
                 runtimes/linux-x64/native/libasmkernels.so runtimes/win-x64/native/libasmkernels.dll \
                 runtimes/linux-x64/lib/net10.0/AsmKernels.dll runtimes/win-x64/lib/net10.0/AsmKernels.dll; do
        grep -qx "$entry" <<<"$listing" || die "$PACKAGE lacks $entry"
    done
    # The CLI: a package per platform (framework-dependent, ReadyToRun), each with its own native library.
    local rid native other
    for rid in linux-x64 win-x64; do
        native=libasmkernels.so other=libasmkernels.dll
        [[ $rid == win-* ]] && native=libasmkernels.dll other=libasmkernels.so
        listing="$(unzip -Z1 "$FEED/AsmKernels.Cli.$rid.$PACK_VERSION.nupkg")" || die "no AsmKernels.Cli.$rid.$PACK_VERSION.nupkg"
        for entry in "tools/net10.0/$rid/AsmKernels.Cli.dll" "tools/net10.0/$rid/$native" "tools/net10.0/$rid/DotnetToolSettings.xml"; do
            grep -qx "$entry" <<<"$listing" || die "AsmKernels.Cli.$rid.$PACK_VERSION.nupkg lacks $entry"
        done
        if grep -qE "Iced|asmk-abicheck|$other" <<<"$listing"; then die "AsmKernels.Cli.$rid.$PACK_VERSION.nupkg carries the assembly tools or the other platform's library"; fi
    done
    listing="$(unzip -Z1 "$FEED/AsmKernels.AsmTools.$PACK_VERSION.nupkg")"
    for entry in tools/net10.0/any/AsmKernels.AsmTools.dll tools/net10.0/any/asmk-abicheck tools/net10.0/any/asmk-abicheck.exe \
                 tools/net10.0/any/DotnetToolSettings.xml; do
        grep -qx "$entry" <<<"$listing" || die "AsmKernels.AsmTools.$PACK_VERSION.nupkg lacks $entry"
    done
    listing="$(unzip -Z1 "$FEED/AsmKernels.Build.$PACK_VERSION.nupkg")"
    for entry in build/AsmKernels.Build.props build/AsmKernels.Build.targets build/asm/abi.inc build/asm/isa.inc README.md; do
        grep -qx "$entry" <<<"$listing" || die "AsmKernels.Build.$PACK_VERSION.nupkg lacks $entry"
    done
    say "package: $PACKAGE (and $(basename "$PACKAGE" .nupkg).snupkg), the tools AsmKernels.Cli.$PACK_VERSION.nupkg (linux-x64 and win-x64 packages beside it) and AsmKernels.AsmTools.$PACK_VERSION.nupkg, and AsmKernels.Build.$PACK_VERSION.nupkg"
}

# consumer_publish NAME [dotnet publish args...] -- publishes samples/Consumer from the local feed
# into build/consumer/NAME; its output goes to build/consumer/NAME.log.
consumer_publish() {
    local name="$1"; shift
    rm -rf "$BUILD/consumer/$name" "$BUILD/consumer/packages/asmkernels"   # always the package just built
    dotnet publish "$CONSUMER" -c $CONFIG -o "$BUILD/consumer/$name" \
        --artifacts-path "$BUILD/consumer/artifacts/$name" \
        -p:RestorePackagesPath="$BUILD/consumer/packages" -p:AsmKernelsVersion="$PACK_VERSION" "$@" \
        >"$BUILD/consumer/$name.log" 2>&1
}

# expect NAME RC OUTPUT PATTERN... -- one suite: passes when RC is 0 and OUTPUT matches every pattern.
expect() {
    local name="$1" rc="$2" output="$3" pattern; shift 3
    printf '%s\n' "$output" | sed 's/^/    /'
    for pattern in "$@"; do
        ((rc != 0)) || grep -qE -- "$pattern" <<<"$output" || { say "$name: output lacks /$pattern/"; rc=1; }
    done
    count "$name" "$rc"
}

# selection -- the consumer's lines naming the kernel each operation runs.
selection() { grep -E '^(PopCount|HammingDistance|IncrementBy|Crc32C|HammingScan): ' || true; }
JIT_SELECTION=""

NATIVE_USED=('native library: loaded from' 'PopCount: asmk_popcount_' 'HammingDistance: asmk_hamming_' 'IncrementBy: asmk_increment_' 'consumer: all checks passed')

test_package() {
    say "package: pack, then samples/Consumer from the local feed"
    local out rc
    if ! windows_dll; then
        say "package suites skipped: $WINDOWS_WHY"
        SKIPPED=$((SKIPPED + 15)); SKIP_REASONS+=("package, consumers, tools and the build package (15 suites): $WINDOWS_WHY"); return
    fi
    pack
    mkdir -p "$BUILD/consumer"

    # Linux, framework-dependent: the native library comes from runtimes/linux-x64/native/.
    rc=0; consumer_publish linux || rc=$?
    out="$( ((rc == 0)) && dotnet "$BUILD/consumer/linux/Consumer.dll" 2>&1)" || rc=$?
    ((rc == 0)) || cat "$BUILD/consumer/linux.log"
    expect "consumer on Linux from the package, its ReadyToRun assembly" "$rc" "$out" "${NATIVE_USED[@]}" \
        'AsmKernels.dll: ReadyToRun, .*runtimes/linux-x64/lib/'

    JIT_SELECTION="$(selection <<<"$out")"

    # The same app with the native library removed: the managed fallback, same answers.
    rc=0; rm -rf "$BUILD/consumer/fallback"
    cp -r "$BUILD/consumer/linux" "$BUILD/consumer/fallback" && rm -rf "$BUILD/consumer/fallback/runtimes/"*/native || rc=$?
    out="$( ((rc == 0)) && dotnet "$BUILD/consumer/fallback/Consumer.dll" 2>&1)" || rc=$?
    expect "consumer with the native library removed" "$rc" "$out" \
        'native library: not loaded' 'PopCount: managed' 'IncrementBy: managed' 'consumer: all checks passed'

    # Trimmed, self-contained: the trim analysis of the whole app, the package included, must be silent.
    rc=0; consumer_publish trimmed -r linux-x64 --self-contained -p:PublishTrimmed=true || rc=$?
    if ((rc == 0)) && grep -E 'warning IL[0-9]+' "$BUILD/consumer/trimmed.log"; then rc=1; fi
    out="$( ((rc == 0)) && "$BUILD/consumer/trimmed/Consumer" 2>&1)" || rc=$?
    ((rc == 0)) || cat "$BUILD/consumer/trimmed.log"
    expect "consumer trimmed, no trim warnings" "$rc" "$out" "${NATIVE_USED[@]}"

    test_package_aot
    test_tool
    test_template

    # Windows: self-contained win-x64, run under wine (which offers .NET no AVX-512; avx2 kernels run).
    if ! find_wine; then
        say "consumer under wine skipped: wine64 is not installed"
        SKIPPED=$((SKIPPED + 1)); SKIP_REASONS+=("consumer under wine: wine64 is not installed"); return
    fi
    rc=0; consumer_publish win-x64 -r win-x64 --self-contained || rc=$?
    out="$( ((rc == 0)) && WINEPREFIX="$BUILD/wineprefix" WINEDEBUG=-all "$WINE" "$BUILD/consumer/win-x64/Consumer.exe" 2>&1 | tr -d '\r')" || rc=$?
    ((rc == 0)) || cat "$BUILD/consumer/win-x64.log"
    expect "consumer win-x64 under wine" "$rc" "$out" "${NATIVE_USED[@]}" 'libasmkernels\.dll' 'AsmKernels.dll: ReadyToRun'
}

# The template: `dotnet new install` from the feed into a hive of its own, `dotnet new asmkernels`,
# then its own build, test (every variant the CPU runs against the fallback, asmtools abicheck on
# every routine of its table) and pack; the build package's checks on the project it made; then a
# fresh console app takes the packed library from a folder feed and runs under the JIT, under
# Native AOT and with the native library removed.
test_template() {
    local dir="$BUILD/template" out rc=0 lib=Acme.Checksums
    rm -rf "$dir"; mkdir -p "$dir/app" "$dir/libfeed"
    export NUGET_PACKAGES="$dir/packages"
    cat >"$dir/NuGet.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="asmkernels-local" value="$FEED" />
    <add key="library" value="$dir/libfeed" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="asmkernels-local"><package pattern="AsmKernels.*" /></packageSource>
    <packageSource key="library"><package pattern="$lib" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
    {
        dotnet new install "$FEED/AsmKernels.Templates.$PACK_VERSION.nupkg" --debug:custom-hive "$dir/hive" &&
        dotnet new asmkernels -n $lib -o "$dir/$lib" --debug:custom-hive "$dir/hive" &&
        cp "$dir/NuGet.config" "$dir/$lib/" && cd "$dir/$lib" &&
        dotnet tool restore && dotnet build -c $CONFIG -nologo && dotnet test -c $CONFIG --no-build -nologo &&
        dotnet pack -c $CONFIG --no-build -o "$dir/libfeed" -nologo
    } >"$dir/template.log" 2>&1 || rc=$?
    cd "$ROOT"
    ((rc == 0)) || tail -40 "$dir/template.log"
    out="$(grep -E 'Passed!|Failed!|error|\.nupkg' "$dir/template.log"; unzip -Z1 "$dir/libfeed/$lib.1.0.0.nupkg" 2>&1)"
    expect "dotnet new asmkernels from the feed: its build, tests (every variant, abicheck on every routine) and pack" "$rc" "$out" \
        'Failed: +0, Passed: +5, Skipped: +0' "$lib\.1\.0\.0\.nupkg" '^runtimes/linux-x64/native/libacme\.checksums\.so$' \
        "^lib/net10.0/$lib\.dll\$"

    build_package_checks "$dir/$lib/$lib" "$dir/build-package"

    # A fresh app of the packed library.
    cp "$dir/NuGet.config" "$dir/app/"
    cat >"$dir/app/App.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="$lib" Version="1.0.0" />
  </ItemGroup>
</Project>
PROJECT
    cat >"$dir/app/Program.cs" <<'PROGRAM'
using Acme.Checksums;
Console.Write(ByteSums.Describe());
byte[] data = new byte[70_000];
new Random(3).NextBytes(data);
int bad = 0;
foreach (int n in Enumerable.Range(0, 1000).Append(data.Length))
{
    ulong want = 0;
    for (int i = 0; i < n; i++)
        want += data[i];
    if (ByteSums.ByteSum(data.AsSpan(0, n)) != want)
        bad++;
}
Console.WriteLine(bad == 0 ? "app: all checks passed" : $"app: {bad} checks FAILED");
return bad == 0 ? 0 : 1;
PROGRAM
    local native=('native library: libacme.checksums loaded' '^bytesum: bytesum_' 'app: all checks passed')
    rc=0
    dotnet build "$dir/app/App.csproj" -c $CONFIG -nologo >"$dir/app.log" 2>&1 || rc=$?
    out="$( ((rc == 0)) && dotnet "$dir/app/bin/$CONFIG/net10.0/App.dll" 2>&1)" || rc=$?
    ((rc == 0)) || tail -30 "$dir/app.log"
    expect "an app of the template's packed library" "$rc" "$out" "${native[@]}"
    rc=0; rm -rf "$dir/no-native"
    cp -r "$dir/app/bin/$CONFIG/net10.0" "$dir/no-native" && rm -rf "$dir/no-native/runtimes/"*/native "$dir/no-native/libacme."* || rc=$?
    out="$( ((rc == 0)) && dotnet "$dir/no-native/App.dll" 2>&1)" || rc=$?
    expect "the app with the library's native code removed: the fallback, with the reason" "$rc" "$out" \
        'not used: the native library libacme.checksums was not found' '^bytesum: the managed fallback' 'app: all checks passed'
    if [[ -x $BUILD/consumer/aot/Consumer ]]; then
        rc=0
        dotnet publish "$dir/app/App.csproj" -c $CONFIG -r linux-x64 -p:PublishAot=true -o "$dir/aot" -nologo >"$dir/aot.log" 2>&1 || rc=$?
        if ((rc == 0)) && grep -E 'warning IL[0-9]+' "$dir/aot.log"; then rc=1; fi
        out="$( ((rc == 0)) && "$dir/aot/App" 2>&1)" || rc=$?
        ((rc == 0)) || tail -30 "$dir/aot.log"
        expect "the app under Native AOT, no AOT warnings" "$rc" "$out" "${native[@]}"
    else
        say "the template's app under Native AOT skipped: the consumer's Native AOT publish did not run here"
        SKIPPED=$((SKIPPED + 1)); SKIP_REASONS+=("the template's app under Native AOT: the consumer's Native AOT publish did not run here")
    fi
    unset NUGET_PACKAGES
}

# build_package_checks PROJECT_DIR WORK -- AsmKernels.Build on a project the template made (its
# library project), in place: the build is incremental (with a second source and an include added:
# nothing, then only the source an include or an edit touches, reassembled), and a missing NASM, a
# table row no source defines and a declaration unlike its row are each one named build error.
build_package_checks() {
    local project="$1" work="$2" rc=0 out platforms=1
    local csproj; csproj="$(ls "$project"/*.csproj)"
    mkdir -p "$work"
    local build=(dotnet build "$csproj" -c $CONFIG -nologo -v n)
    # A second routine in a source of its own, and an include for the first.
    cat >"$project/bytecount.asm" <<'ASM'
%include "abi.inc"

; uint64_t bytecount_sse2(const uint8_t *data, size_t count);
; The count itself: a second source for the incremental build's checks.
FUNC bytecount_sse2, 2, 2, 0, src, count
    mov     rax, countq
    RET
ENDFUNC
ASM
    printf '%s
' 'op bytecount ByteCount | The number of bytes.' \
        'kernel bytecount_sse2 bytecount sse2 uint64_t (const uint8_t *data, size_t count) | mov' >>"$project/kernels.txt"
    printf '; bytesum.inc: an include of bytesum.asm, for the incremental build check.\n' >"$project/bytesum.inc"
    sed -i 's/^%include "abi.inc"$/%include "abi.inc"\n%include "bytesum.inc"/' "$project/bytesum.asm"
    "${build[@]}" >"$work/build.log" 2>&1 || rc=$?
    ((rc == 0)) || tail -30 "$work/build.log"
    [[ -n $(find "$project/obj" -path '*/asmkernels/win-x64/*.dll') ]] && platforms=2
    assembled() { grep -E '"nasm" -Werror' | grep -vc -- ' -M ' || true; }
    local unchanged included one
    unchanged="$("${build[@]}" 2>&1 | assembled)"
    touch "$project/bytesum.inc"; included="$("${build[@]}" 2>&1 | assembled)"
    touch "$project/bytecount.asm"; one="$("${build[@]}" 2>&1 | tee "$work/one.log" | assembled)"
    grep -q 'bytesum\.asm' <(grep -E '"nasm" -Werror' "$work/one.log") && one="$one (bytesum.asm too)"
    expect "AsmKernels.Build reassembles only what changed" "$rc" \
        "unchanged: $unchanged; include touched: $included; one source touched: $one" \
        '^unchanged: 0;' "include touched: $platforms;" "one source touched: $platforms\$"
    rc=0
    out="$("${build[@]}" -p:AsmkNasm=/nonexistent/nasm 2>&1)" && rc=1
    expect "AsmKernels.Build without NASM: one error naming what to install" "$rc" "$(grep -E 'error' <<<"$out" | sort -u)" \
        'error ASMK020: .*NASM .*is not installed.*apt-get install nasm'
    cp "$project/kernels.txt" "$work/missing.txt"
    echo 'kernel bytesum_avx512 bytesum avx512bw,os_zmm uint64_t (const uint8_t *data, size_t count) | not written' >>"$work/missing.txt"
    rc=0
    out="$("${build[@]}" -p:AsmkTable="$work/missing.txt" 2>&1)" && rc=1
    expect "AsmKernels.Build: a table row no source defines is a build error naming both" "$rc" "$(grep -E 'error' <<<"$out" | sort -u)" \
        'missing\.txt.*error ASMK012: .*bytesum_avx512.*lib[a-z.]+\.so does not export'
    cp "$project/ByteSums.cs" "$work/ByteSums.cs.orig"
    sed -i 's/partial ulong ByteSum(ReadOnlySpan<byte> data)/partial ulong ByteSum(ReadOnlySpan<ulong> data)/' "$project/ByteSums.cs"
    rc=0
    out="$("${build[@]}" 2>&1)" && rc=1
    cp "$work/ByteSums.cs.orig" "$project/ByteSums.cs"
    "${build[@]}" >>"$work/build.log" 2>&1 || { say "the project does not build again after the checks"; rc=1; }
    expect "AsmKernels.Build: a declaration unlike its table row is a build error naming both" "$rc" "$(grep -E 'error' <<<"$out" | sort -u)" \
        'ByteSums\.cs\([0-9]+,[0-9]+\): error ASMK102: .*ByteSum does not match bytesum_sse2 .*kernels\.txt line [0-9]+\): parameter .data. is .*ReadOnlySpan<ulong>'
}

# The two .NET tools: installed from the feed into an empty tool path (and a packages folder of
# its own); then `asmkernels info` from there must pick native kernels, not the fallback, and
# `asmtools abicheck` must find the tool's own native library clean.
test_tool() {
    local out rc=0 tools="$BUILD/tool" tool
    rm -rf "$tools" "$BUILD/tool-packages" "$BUILD/tool.log"
    for tool in AsmKernels.Cli AsmKernels.AsmTools; do
        NUGET_PACKAGES="$BUILD/tool-packages" dotnet tool install "$tool" --tool-path "$tools" \
            --add-source "$FEED" --version "$PACK_VERSION" >>"$BUILD/tool.log" 2>&1 || rc=$?
    done
    ((rc == 0)) || cat "$BUILD/tool.log"
    out="$( ((rc == 0)) && "$tools/asmkernels" info 2>&1)" || rc=$?
    expect "the CLI as a .NET tool (dotnet tool install, then asmkernels info)" "$rc" "$out" \
        'native library: .*libasmkernels\.so' 'PopCount +[a-z0-9.]+ +asmk_popcount_' 'Crc32C +[a-z0-9.]+ +asmk_crc32c_' \
        'HammingScan +[a-z0-9.]+ +asmk_hamscan_'
    local lib
    lib="$(find "$tools/.store" -name libasmkernels.so -path '*asmkernels.cli*' | head -1)"
    rc=0
    out="$( [[ -n $lib ]] && "$tools/asmtools" abicheck "$lib" --symbol asmk_popcount_popcnt --signature 'u64 (in u64[n], size n)' 2>&1)" || rc=$?
    expect "the assembly tools as a .NET tool (asmtools abicheck on the installed library)" "$rc" "$out" ' 0 violations' 'upper state: '
}

# Native AOT: needs clang (installed as root when missing) and the NativeAOT runtime pack from the
# NuGet source; where the source lacks that pack the suite is skipped with that reason.
test_package_aot() {
    local out rc=0
    if ! command -v clang >/dev/null && ! apt_install clang; then
        say "consumer Native AOT skipped: clang is not installed and cannot be installed here"
        SKIPPED=$((SKIPPED + 1)); SKIP_REASONS+=("consumer Native AOT: clang is not installed (apt-get install -y clang)"); return
    fi
    consumer_publish aot -r linux-x64 -p:PublishAot=true || rc=$?
    if ((rc != 0)) && grep -qE 'NU1101.*Microsoft\.NETCore\.App\.Runtime\.NativeAOT' "$BUILD/consumer/aot.log"; then
        local pack; pack="$(grep -oE 'Microsoft\.NETCore\.App\.Runtime\.NativeAOT\.[a-z0-9-]+' "$BUILD/consumer/aot.log" | head -1)"
        say "consumer Native AOT skipped: the NuGet source has no $pack (the .NET 10 Native AOT runtime pack)"
        SKIPPED=$((SKIPPED + 1)); SKIP_REASONS+=("consumer Native AOT: the NuGet source has no $pack"); return
    fi
    if ((rc == 0)) && grep -E 'warning IL[0-9]+' "$BUILD/consumer/aot.log"; then rc=1; fi
    if ((rc == 0)) && [[ -e $BUILD/consumer/aot/Consumer.dll ]]; then say "the AOT output holds Consumer.dll"; rc=1; fi
    out="$( ((rc == 0)) && "$BUILD/consumer/aot/Consumer" 2>&1)" || rc=$?
    ((rc == 0)) || cat "$BUILD/consumer/aot.log"
    # The default AOT target gives managed code no AVX2 or AVX-512; the kernels must not care.
    if ((rc == 0)) && [[ "$(selection <<<"$out")" != "$JIT_SELECTION" ]]; then
        say "Native AOT selects other kernels than the JIT on this machine:"
        diff <(printf '%s\n' "$JIT_SELECTION") <(selection <<<"$out") || true
        rc=1
    fi
    expect "consumer Native AOT selects the JIT's kernels, no AOT warnings" "$rc" "$out" "${NATIVE_USED[@]}"
}
