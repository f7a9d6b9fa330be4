<#
.SYNOPSIS
    Measures Invoke-ThrottledRequest against the loopback test server: peak memory over many calls beside a
    bare pipeline of the same length, and microseconds per call beside Invoke-ThrottledDownload.
.DESCRIPTION
    Not part of the test suite: speed and memory are measured here, never asserted in tests.
    Memory: each run is a fresh `dotnet pwsh` under /usr/bin/time -v (its "Maximum resident set size", the
    largest process of the tree), so start-up and module import are included. The baseline is the same
    pipeline without the module: 1..N | ForEach-Object {}. Calls are run at two counts, so memory that
    grew with the number of calls would show as a difference between them.
    Speed: in a fresh process per cmdlet, a warm-up batch, then a timed batch of -Count calls in the same
    process (Stopwatch around the pipeline); the figure is the timed batch's wall time per call, so JIT and
    start-up are left out. Build first (dotnet build ThrottledFetch.sln -c Release).
.EXAMPLE
    dotnet pwsh ./tests/Benchmarks/Measure-Requests.ps1 -MemoryCalls 10000, 100000 -Count 20000
#>
[CmdletBinding()]
param(
    [int[]] $MemoryCalls = @(10000, 100000),
    [int] $Count = 20000,
    [int] $Limit = 8,
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
. (Join-Path $root 'tests/Pester/TestServer.ps1')
$work = Join-Path $root ('output/benchmark/requests-' + [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss'))
New-Item -ItemType Directory -Force $work | Out-Null
$manifest = Join-Path $root 'output/ThrottledFetch/ThrottledFetch.psd1'

# The same pwsh as this one (`dotnet pwsh` runs pwsh.dll under the dotnet host).
$executable = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$pwshDll = [Environment]::GetCommandLineArgs()[0]

function Invoke-Fresh([string] $Name, [string] $Script, [switch] $Timed) {
    $scriptFile = Join-Path $work "$Name.ps1"
    Set-Content -LiteralPath $scriptFile -Value ("`$ProgressPreference = 'SilentlyContinue'`n" + $Script)
    $arguments = @('-NoProfile', '-NonInteractive', '-File', $scriptFile)
    if ($pwshDll -like '*.dll') { $arguments = @($pwshDll) + $arguments }
    $timeLog = Join-Path $work "$Name.time"
    $out = Join-Path $work "$Name.out"
    & /usr/bin/time -v -o $timeLog $executable @arguments > $out 2> (Join-Path $work "$Name.err")
    if ($LASTEXITCODE -ne 0) { throw "$Name exited with $LASTEXITCODE; see $work" }
    $rss = [long]((Select-String -LiteralPath $timeLog -Pattern 'Maximum resident set size \(kbytes\): (\d+)').Matches[0].Groups[1].Value)
    $wall = (Select-String -LiteralPath $timeLog -Pattern 'Elapsed \(wall clock\) time.*: (.+)$').Matches[0].Groups[1].Value
    [pscustomobject]@{ Run = $Name; PeakRssMiB = [math]::Round($rss / 1024, 1); Wall = $wall; Output = "$(Get-Content -Raw -LiteralPath $out)".Trim() }
}

$server = Start-TestServer -RepoRoot $root -Configuration $Configuration
try {
    $base = $server.BaseUrl
    $memory = foreach ($n in $MemoryCalls) {
        Invoke-Fresh "baseline-$n" "1..$n | ForEach-Object {}"
        Invoke-Fresh "request-$n" @"
Import-Module '$manifest'
`$seen = 0
1..$n | ForEach-Object { '$($base)json/object?i=' + `$_ } | Invoke-ThrottledRequest -Limit $Limit | ForEach-Object { `$seen++ }
"`$seen answers"
"@
    }

    $folder = Join-Path $work 'downloads'
    $speed = foreach ($case in @(
            @{ Name = 'request-json'; Command = "Invoke-ThrottledRequest -Limit $Limit"; Url = "$($base)json/object?i=" },
            @{ Name = 'request-bytes'; Command = "Invoke-ThrottledRequest -Limit $Limit"; Url = "$($base)bytes/94/r" },
            @{ Name = 'download-bytes'; Command = "Invoke-ThrottledDownload -Limit $Limit -Path '$folder'"; Url = "$($base)bytes/94/d" })) {
        $result = Invoke-Fresh $case.Name @"
Import-Module '$manifest'
1..2000 | ForEach-Object { '$($case.Url)w' + `$_ } | $($case.Command) | Out-Null
`$clock = [System.Diagnostics.Stopwatch]::StartNew()
1..$Count | ForEach-Object { '$($case.Url)' + `$_ } | $($case.Command) | Out-Null
`$clock.Stop()
[math]::Round(`$clock.Elapsed.TotalMilliseconds * 1000 / $Count, 1)
"@
        [pscustomobject]@{ Run = $case.Name; Calls = $Count; UsPerCall = [double]$result.Output; PeakRssMiB = $result.PeakRssMiB }
    }

    $memory | Format-Table Run, PeakRssMiB, Wall, Output -AutoSize | Out-Host
    $speed | Format-Table -AutoSize | Out-Host
} finally {
    Stop-TestServer $server
}
