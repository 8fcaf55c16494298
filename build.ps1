# build.ps1 - the one entry point on Windows; the same verbs as build.sh.
#
#   .\build.ps1          check the build tools, build native + managed
#   .\build.ps1 test     build, then CTest (native: checkasm with MinGW-w64 gcc; MSVC builds skip it),
#                        xunit (managed), and the public-API tests again under
#                        ASMKERNELS_MAX_ISA=scalar, sse2, sse4.2, avx2, with the JIT held to 256-bit vectors,
#                        with its AVX2 off, and with no native library; ends with "tests: N passed, N failed[, N skipped]"
#   .\build.ps1 run      build, then `asmkernels-lab demo`
#   .\build.ps1 bench [--quick | --calls | --short | --crc | --search | --cold [N]]
#                        BenchmarkDotNet suite; writes docs\benchmarks.md and docs\benchmarks.svg
#                        (--quick: three sizes, docs\benchmarks-quick.*; --calls: the cost of one
#                        native call, layer by layer, docs\call-cost.md; --short: 0..16 elements,
#                        docs\short-inputs.md; --crc: CRC-32C against ISA-L where it is installed (its rows are
#                        skipped, and said so, where it is not; the stream row against cat needs Linux), docs\crc32c.md;
#                        --search: Hamming search (FAISS rows where /usr/bin/python3 imports faiss), docs\search.md;
#                        --cold: first calls in fresh processes, docs\cold-start.md). The plot needs gnuplot and a
#                        POSIX shell with head and grep (the script filters the CSV through them).
#   .\build.ps1 disasm [--jit tier1|fullopts] [--size N]
#                        writes docs\disasm\<op>.md: each kernel beside the JIT's code (asmkernels-lab disasm --all)
#   .\build.ps1 clean    remove every build output
#
# Needs on PATH: nasm, cmake (with ctest), a C toolchain (MinGW-w64 gcc, or MSVC from a developer
# prompt), and the .NET 10 SDK.
param(
    [ValidateSet('build', 'test', 'run', 'bench', 'disasm', 'clean', 'help')][string]$Verb = 'build',
    [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)

$ErrorActionPreference = 'Stop'
$Root = $PSScriptRoot
$Build = Join-Path $Root 'build'
$NativeDir = Join-Path $Build 'native'
$Config = 'Release'
$Lab = Join-Path $Root "managed/Lab/bin/$Config/net10.0/asmkernels-lab.exe"   # demo, crossover, cold, disasm <op>
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'

function Say([string]$Message) { Write-Host "==> $Message" }
function Die([string]$Message) { Write-Error "build.ps1: $Message"; exit 1 }
function Have([string]$Command) { [bool](Get-Command $Command -ErrorAction SilentlyContinue) }
function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Die "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Assert-Deps {
    $missing = @()
    foreach ($tool in 'nasm', 'cmake', 'ctest', 'dotnet') { if (-not (Have $tool)) { $missing += $tool } }
    if (-not ((Have 'gcc') -or (Have 'cl'))) { $missing += 'a C toolchain (MinGW-w64 gcc or MSVC cl)' }
    if ($missing.Count -gt 0) {
        Die "missing on PATH: $($missing -join ', '). Install NASM (https://nasm.us), CMake, MinGW-w64 or Visual Studio Build Tools, and the .NET 10 SDK."
    }
    if (-not ((dotnet --list-sdks) -match '^10\.')) { Die 'the .NET 10 SDK is required (dotnet with a 10.x SDK on PATH)' }
}

function Invoke-Build {
    Assert-Deps
    Say 'native: cmake + nasm'
    $generator = @()
    if (Have 'ninja') { $generator = @('-G', 'Ninja') }
    elseif (Have 'gcc') { $generator = @('-G', 'MinGW Makefiles') }
    Invoke-Checked cmake (@('-S', (Join-Path $Root 'native'), '-B', $NativeDir, "-DCMAKE_BUILD_TYPE=$Config") + $generator)
    Invoke-Checked cmake @('--build', $NativeDir, '--config', $Config, '--parallel')
    # Multi-config generators (Visual Studio) put the DLL in a per-configuration folder.
    $dll = Get-ChildItem -Path $NativeDir -Recurse -Filter 'libasmkernels.dll' | Select-Object -First 1
    if (-not $dll) { Die "the native build produced no libasmkernels.dll under $NativeDir" }
    Say 'managed: dotnet build'
    Invoke-Checked dotnet @('build', (Join-Path $Root 'managed/AsmKernels.slnx'), '-c', $Config,
        "-p:AsmkNativeDir=$($dll.DirectoryName)\", '-v', 'quiet', '-nologo')
}

$script:Passed = 0; $script:Failed = 0; $script:Skipped = 0

function Invoke-CTest {
    Say 'native tests (CTest)'
    $out = & ctest --test-dir $NativeDir -C $Config --output-on-failure 2>&1 | Out-String
    $rc = $LASTEXITCODE
    Write-Host $out
    if ($out -match '(\d+) tests failed out of (\d+)') {
        $failed = [int]$Matches[1]; $total = [int]$Matches[2]
        $skipped = ([regex]::Matches($out, '\((Skipped|Disabled)\)\s*$', 'Multiline')).Count
        $script:Passed += $total - $failed - $skipped; $script:Failed += $failed; $script:Skipped += $skipped
        if ($rc -ne 0 -and $failed -eq 0) { $script:Failed += 1 }
    } else {
        $script:Failed += 1; Say "CTest printed no summary (exit $rc): counted as one failure"
    }
}

function Invoke-XUnit([string]$Name, [string]$Label, [hashtable]$Environment = @{}, [string[]]$Extra = @()) {
    Say "managed tests (xunit): $Label"
    $results = Join-Path $Build 'test-results'
    $trx = Join-Path $results "$Name.trx"
    Remove-Item $trx -ErrorAction SilentlyContinue
    $saved = @{}
    foreach ($key in $Environment.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $Environment[$key]) }
    try {
        & dotnet test (Join-Path $Root 'managed/Tests/Tests.csproj') -c $Config --no-build `
            --logger 'console;verbosity=normal' --logger "trx;LogFileName=$Name.trx" --results-directory $results @Extra 2>&1 |
            Where-Object { $_ -notmatch '^\s*Passed ' } | Write-Host
    } finally {
        foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
    }
    if (-not (Test-Path $trx)) { $script:Failed += 1; Say "xunit ($Label) wrote no results: counted as one failure"; return }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    $other = [int]$counters.total - [int]$counters.passed - [int]$counters.failed
    $script:Passed += [int]$counters.passed; $script:Failed += [int]$counters.failed; $script:Skipped += $other
    Say "xunit ($Label): $($counters.passed) passed, $($counters.failed) failed, $other skipped"
}

function Invoke-Tests {
    Invoke-Build
    Invoke-CTest
    Invoke-XUnit 'all' 'all tests, default dispatch'
    foreach ($cap in 'scalar', 'sse2', 'sse4.2', 'avx2') {
        Invoke-XUnit "api-$cap" "public API with ASMKERNELS_MAX_ISA=$cap" @{ ASMKERNELS_MAX_ISA = $cap } @('--filter', 'Category=Api')
    }
    # The managed vector loop takes Vector256 where the JIT has no 512-bit vectors.
    Invoke-XUnit 'api-vec256' 'public API with the JIT limited to 256-bit vectors' @{ DOTNET_PreferredVectorBitWidth = '256' } @('--filter', 'Category=Api')
    Invoke-XUnit 'api-noavx2' "public API with the JIT's AVX2 off" @{ DOTNET_EnableAVX2 = '0' } @('--filter', 'Category=Api')
    Invoke-XUnit 'api-nolib' 'public API with no native library' @{ ASMKERNELS_NATIVE_PATH = (Join-Path $Build 'no-such-dir\libasmkernels.dll') } @('--filter', 'Category=Api')
    $summary = "tests: $script:Passed passed, $script:Failed failed"
    if ($script:Skipped -gt 0) { $summary += ", $script:Skipped skipped" }
    Write-Host $summary
    if ($script:Failed -gt 0) { exit 1 }
}

switch ($Verb) {
    'build' { Invoke-Build }
    'test' { Invoke-Tests }
    'run' { Invoke-Build; & $Lab demo; exit $LASTEXITCODE }
    'bench' {
        Invoke-Build
        if ($Rest.Count -gt 0 -and $Rest[0] -eq '--cold') {
            # Fresh processes with the runtime's default tiering: no DOTNET_TC_*/DOTNET_TieredPGO here.
            $processes = if ($Rest.Count -gt 1) { $Rest[1] } else { '5' }
            & $Lab cold --processes $processes --out (Join-Path $Root 'docs/cold-start.md')
            exit $LASTEXITCODE
        }
        if (-not (Have 'gnuplot')) { Say 'gnuplot not found: the tables are written, the plot is not' }
        Say "benchmarks $($Rest -join ' ')"
        # In-process runs: promote to tier-1 at once, and without tiered PGO's instrumented tier,
        # which otherwise leaves whichever method runs first measured in instrumented code.
        $env:DOTNET_TC_CallCountingDelayMs = '0'
        $env:DOTNET_TieredPGO = '0'
        & dotnet (Join-Path $Root "managed/Benchmarks/bin/$Config/net10.0/AsmKernels.Benchmarks.dll") @Rest `
            --out (Join-Path $Root 'docs') --artifacts (Join-Path $Build 'bench')
        exit $LASTEXITCODE
    }
    'disasm' {
        Invoke-Build
        Say 'disasm: every kernel beside the JIT''s code, docs\disasm\'
        & $Lab disasm --all --out (Join-Path $Root 'docs/disasm') @Rest
        exit $LASTEXITCODE
    }
    'clean' {
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $Build
        Get-ChildItem (Join-Path $Root 'managed') -Directory | ForEach-Object {
            Remove-Item -Recurse -Force -ErrorAction SilentlyContinue (Join-Path $_.FullName 'bin'), (Join-Path $_.FullName 'obj')
        }
        Say 'clean'
    }
    'help' { Get-Content $PSCommandPath | Select-Object -Skip 1 | ForEach-Object -Begin { $done = $false } -Process {
            if (-not $done -and $_ -match '^#') { $_ -replace '^# ?', '' } else { $done = $true } } }
}
