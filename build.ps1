# build.ps1 - the one entry point on Windows; the same verbs as build.sh.
#
#   .\build.ps1          check the build tools, build native + managed
#   .\build.ps1 test     build, then every suite of scripts\test-matrix.txt, the list build.sh runs:
#                        CTest (native: checkasm with MinGW-w64 gcc; MSVC builds skip it), xunit
#                        under each setting; the Linux-only groups (wine, qemu-user, the package)
#                        are counted as skipped, with the reason; each suite's counts come from
#                        its XML report; ends with "tests: N passed, N failed[, N skipped]"
#   .\build.ps1 run      build, then `asmkernels-lab demo`
#   .\build.ps1 bench [--quick | --calls | --short | --crc | --search | --cold [N]]
#                        BenchmarkDotNet suite; writes docs\benchmarks.md and docs\benchmarks.svg
#                        (every report's name ends in the CPU class's suffix, as with build.sh: -intel,
#                        -zen5, -avx2, -sse, or nothing on AMD Zen 4; `asmkernels-lab report-suffix`)
#                        (--quick: three sizes, docs\benchmarks-quick.*; --calls: the cost of one
#                        native call, layer by layer, docs\call-cost.md; --short: 0..16 elements,
#                        docs\short-inputs.md; --crc: CRC-32C against ISA-L where it is installed (its rows are
#                        skipped, and said so, where it is not; the stream row against cat needs Linux), docs\crc32c.md;
#                        --search: Hamming search (FAISS rows where /usr/bin/python3 imports faiss), docs\search.md;
#                        --cold: first calls in fresh processes, docs\cold-start.md). The plot needs gnuplot and a
#                        POSIX shell with head and grep (the script filters the CSV through them).
#   .\build.ps1 disasm [--jit tier1|fullopts] [--size N]
#                        writes docs\disasm\<op>.md: each kernel beside the JIT's code (asmkernels-lab disasm --all)
#   .\build.ps1 pack     build\feed\: the package and the two tools, as build.sh packs them; the package
#                        also carries the Linux library, built on Linux: name it with
#                        ASMKERNELS_LINUX_NATIVE=<path to libasmkernels.so>
#   .\build.ps1 clean    remove every build output
#
# Needs on PATH: nasm, cmake (with ctest), a C toolchain (MinGW-w64 gcc, or MSVC from a developer
# prompt), and the .NET 10 SDK.
param(
    [ValidateSet('build', 'test', 'run', 'bench', 'disasm', 'pack', 'clean', 'help')][string]$Verb = 'build',
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

$script:SkipReasons = @()

# Adds the counts of one XML test report: a TRX of dotnet test or CTest's JUnit report.
function Add-Counts([string]$Kind, [string]$File, [string]$Label) {
    if (-not (Test-Path $File)) { $script:Failed += 1; Say "$Label wrote no report: counted as one failure"; return -1 }
    $xml = [xml](Get-Content $File -Raw)
    if ($Kind -eq 'trx') {
        $c = $xml.TestRun.ResultSummary.Counters
        $passed = [int]$c.passed; $failed = [int]$c.failed; $skipped = [int]$c.total - $passed - $failed
    } else {
        $suite = $xml.testsuite
        $failed = [int]$suite.failures; $skipped = [int]$suite.skipped + [int]$suite.disabled
        $passed = [int]$suite.tests - $failed - $skipped
    }
    $script:Passed += $passed; $script:Failed += $failed; $script:Skipped += $skipped
    Say "${Label}: $passed passed, $failed failed, $skipped skipped"
    return $failed
}

function Invoke-CTest([string]$Label) {
    Say "native tests (CTest): $Label"
    $results = Join-Path $Build 'test-results'
    New-Item -ItemType Directory -Force $results | Out-Null
    $report = Join-Path $results 'ctest-native.xml'
    Remove-Item $report -ErrorAction SilentlyContinue
    & ctest --test-dir $NativeDir -C $Config --output-on-failure --output-junit $report
    $rc = $LASTEXITCODE
    $failed = Add-Counts 'junit' $report "CTest ($Label)"
    if ($rc -ne 0 -and $failed -eq 0) { $script:Failed += 1; Say "ctest exited $rc with no failed test" }
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
    Add-Counts 'trx' $trx "xunit ($Label)" | Out-Null
}

# Every suite of scripts\test-matrix.txt, in order: the list build.sh runs too.
function Invoke-Tests {
    Invoke-Build
    foreach ($line in Get-Content (Join-Path $Root 'scripts/test-matrix.txt')) {
        if ($line -match '^\s*(#|$)') { continue }
        $f = @($line -split '\|' | ForEach-Object { $_.Trim() })
        switch ($f[0]) {
            'ctest' { Invoke-CTest $f[1] }
            'linux' { $script:Skipped += 1; $script:SkipReasons += "$($f[2]): Linux only (build.sh runs $($f[1]))" }
            'xunit' {
                $environment = @{}
                if ($f[3] -ne '-') {
                    foreach ($setting in $f[3] -split ' ') {
                        $name, $value = $setting -split '=', 2
                        $environment[$name] = $value.Replace('{build}', $Build).Replace('{native}', 'libasmkernels.dll')
                    }
                }
                $extra = if ($f[4] -eq '-') { @() } else { @($f[4] -split ' ') }
                Invoke-XUnit $f[1] $f[2] $environment $extra
            }
            default { Die "scripts/test-matrix.txt: unknown suite kind '$($f[0])'" }
        }
    }
    foreach ($reason in $script:SkipReasons) { Say "skipped: $reason" }
    $summary = "tests: $script:Passed passed, $script:Failed failed"
    if ($script:Skipped -gt 0) { $summary += ", $script:Skipped skipped" }
    Write-Host $summary
    if ($script:Failed -gt 0) { exit 1 }
}

# build\feed\: the package (with the Windows DLL built here and the Linux library named by
# ASMKERNELS_LINUX_NATIVE), the two tools and the build package, each pack with a version of its own.
function Invoke-Pack {
    Invoke-Build
    $linux = $env:ASMKERNELS_LINUX_NATIVE
    if (-not $linux -or -not (Test-Path $linux)) {
        Die 'the package carries the Linux library too: build it on Linux (./build.sh) and set ASMKERNELS_LINUX_NATIVE to its libasmkernels.so'
    }
    $dll = Get-ChildItem -Path $NativeDir -Recurse -Filter 'libasmkernels.dll' | Select-Object -First 1
    $feed = Join-Path $Build 'feed'
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $feed
    $version = "0.1.0-dev.$((Get-Date).ToUniversalTime().ToString('yyyyMMddHHmmss'))"
    $props = @("-p:Version=$version", "-p:AsmkLinuxNative=$linux", "-p:AsmkWindowsNative=$($dll.FullName)")
    foreach ($project in 'Interop/AsmKernels.csproj', 'Cli/Cli.csproj', 'AsmTools/AsmTools.csproj', 'Build/AsmKernels.Build.csproj') {
        Invoke-Checked dotnet (@('pack', (Join-Path $Root "managed/$project"), '-c', $Config, '-o', $feed, '-v', 'quiet', '-nologo') + $props)
    }
    Invoke-Checked dotnet @('pack', (Join-Path $Root 'templates/AsmKernels.Templates.csproj'), '-c', $Config, '-o', $feed, '-v', 'quiet', '-nologo', "-p:Version=$version")
    Set-Content -Path (Join-Path $feed 'VERSION') -Value $version
    Say "package: $feed (version $version)"
}

switch ($Verb) {
    'build' { Invoke-Build }
    'test' { Invoke-Tests }
    'pack' { Invoke-Pack }
    'run' { Invoke-Build; & $Lab demo; exit $LASTEXITCODE }
    'bench' {
        Invoke-Build
        if ($Rest.Count -gt 0 -and $Rest[0] -eq '--cold') {
            # As build.sh: the lab published as a user's app gets the package (AsmKernels.dll
            # ReadyToRun, the lab's own code left to the JIT), and as Native AOT when that publish
            # works here; fresh processes with the runtime's default tiering.
            $processes = if ($Rest.Count -gt 1) { $Rest[1] } else { '5' }
            $cold = Join-Path $Build 'cold'
            $dll = Get-ChildItem -Path $NativeDir -Recurse -Filter 'libasmkernels.dll' | Select-Object -First 1
            $labProject = Join-Path $Root 'managed/Lab/Lab.csproj'
            Invoke-Checked dotnet @('publish', $labProject, '-c', $Config, '-r', 'win-x64', '--self-contained', 'false',
                '-p:PublishReadyToRun=true', "-p:AsmkNativeDir=$($dll.DirectoryName)\", '-o', (Join-Path $cold 'r2r'), '-v', 'quiet', '-nologo')
            $aot = @()
            & dotnet publish $labProject -c $Config -r win-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=false -p:ValidateExecutableReferencesMatchSelfContained=false `
                "-p:AsmkNativeDir=$($dll.DirectoryName)\" -o (Join-Path $cold 'aot') -v quiet -nologo
            if ($LASTEXITCODE -eq 0) { $aot = @('--aot', (Join-Path $cold 'aot/AsmKernels.Lab.exe')) }
            else { Say 'Native AOT column skipped: the Native AOT publish failed here (it needs the MSVC linker)' }
            $suffix = (& $Lab report-suffix | Out-String).Trim()
            & (Join-Path $cold 'r2r/AsmKernels.Lab.exe') cold --processes $processes @aot --out (Join-Path $Root "docs/cold-start$suffix.md")
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
