<#
.SYNOPSIS
    Builds, tests, demonstrates and packages ThrottledFetch. Plain PowerShell, no build modules.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Package: lay out the module already built at output/ThrottledFetch without building again
    # (the Pester package test uses it, after Test has built).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$output = Join-Path $root 'output'
$module = Join-Path $output 'ThrottledFetch'

function Invoke-Native([string] $Name, [string[]] $Arguments) {
    Write-Host "> $Name $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $Name @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Name exited with code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'ThrottledFetch.sln'), '-c', $Configuration, '--nologo', '-v', 'minimal')
}

function Get-TrxCounts([string] $Folder) {
    $passed = 0; $failed = 0
    foreach ($file in Get-ChildItem -Path $Folder -Filter *.trx -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content -Raw $file.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-Test {
    Invoke-Build
    $results = Join-Path $output 'test-results'
    Remove-Item -Recurse -Force $results -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $results | Out-Null
    $xunitFailed = $false
    foreach ($project in 'ThrottledFetch.Engine.Tests', 'ThrottledFetch.Tests') {
        $path = Join-Path $root "tests/$project/$project.csproj"
        try {
            # A hung test fails the run (with a dump) instead of stalling CI.
            Invoke-Native dotnet @('test', $path, '-c', $Configuration, '--no-build', '--nologo',
                '--logger', "trx;LogFileName=$project.trx", '--results-directory', $results,
                '--blame-hang', '--blame-hang-timeout', '10m')
        } catch {
            $xunitFailed = $true
            Write-Warning $_
        }
    }
    $xunit = Get-TrxCounts $results

    Invoke-Native dotnet @('restore', (Join-Path $root 'tests/PesterRestore.proj'), '--nologo', '-v', 'quiet')
    $pester = Join-Path $output 'packages/pester/5.9.1/tools/Pester.psd1'
    # Pester runs in its own pwsh so the module under test loads fresh, as a user's session would load it:
    # the whole suite on the build this pwsh loads (net10.0), then the download cases again on the net8.0 build
    # (PowerShell 7.4 and 7.5) and on the netstandard2.0 build (the one Windows PowerShell 5.1 loads, through
    # its own private load context), so their code paths run here.
    $pesterRuns = @(
        @{ Name = 'pester'; Path = (Join-Path $root 'tests'); Framework = '' },
        @{ Name = 'pester-net8.0'; Path = (Join-Path $root 'tests/Invoke-ThrottledDownload.Tests.ps1'); Framework = 'net8.0' },
        @{ Name = 'pester-netstandard2.0'; Path = (Join-Path $root 'tests/Invoke-ThrottledDownload.Tests.ps1'); Framework = 'netstandard2.0' }
    )
    $pesterExit = 0
    $pesterPassed = 0
    $pesterFailed = 0
    foreach ($run in $pesterRuns) {
        $counts = Join-Path $results "$($run.Name)-counts.txt"
        $runner = Join-Path $results "run-$($run.Name).ps1"
        Set-Content -Path $runner -Value @"
`$env:THROTTLEDFETCH_FRAMEWORK = '$($run.Framework)'
Import-Module '$pester'
`$c = New-PesterConfiguration
`$c.Run.Path = '$($run.Path)'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $results "$($run.Name).xml")'
`$r = Invoke-Pester -Configuration `$c
Set-Content -Path '$counts' -Value ('{0} {1}' -f `$r.PassedCount, (`$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount))
exit [int](`$r.Result -ne 'Passed')
"@
        Write-Host "> Pester: $($run.Name)" -ForegroundColor DarkGray
        $exit = Invoke-ChildPwsh $runner
        if ($exit -ne 0) { $pesterExit = $exit }
        $runPassed, $runFailed = (Get-Content $counts -ErrorAction SilentlyContinue) -split ' '
        $pesterPassed += [int]$runPassed
        $pesterFailed += [int]$runFailed
        Write-Host "$($run.Name): $([int]$runPassed) passed, $([int]$runFailed) failed"
    }
    $passed = $xunit.Passed + $pesterPassed
    $failed = $xunit.Failed + $pesterFailed
    Write-Host ''
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed"
    Write-Host "pester: $pesterPassed passed, $pesterFailed failed"
    Write-Host "Tests: $passed passed, $failed failed"
    if ($xunitFailed -or $pesterExit -ne 0 -or $failed -gt 0 -or $passed -eq 0) { throw 'Tests failed.' }
}

# Runs a script file in a fresh pwsh (so the module under test loads as in a user's session), with a
# deadline so that a hang fails the run instead of stalling CI. `dotnet pwsh` runs pwsh.dll under the
# dotnet host: the child gets the same pwsh.dll argument.
function Invoke-ChildPwsh([string] $ScriptFile, [int] $TimeoutMinutes = 20) {
    $executable = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $arguments = @('-NoProfile', '-NonInteractive', '-File', $ScriptFile)
    $first = [Environment]::GetCommandLineArgs()[0]
    if ($first -like '*.dll') { $arguments = @($first) + $arguments }
    $child = Start-Process -FilePath $executable -ArgumentList $arguments -NoNewWindow -PassThru
    if (-not $child.WaitForExit($TimeoutMinutes * 60 * 1000)) {
        $child.Kill($true)
        throw "$ScriptFile did not finish within $TimeoutMinutes minutes."
    }
    $child.ExitCode
}

function Start-TestServer {
    $server = Join-Path $root "tests/TestServer/bin/$Configuration/net10.0/TestServer.dll"
    $urlFile = Join-Path $output "demo/server-url.txt"
    Remove-Item $urlFile -ErrorAction SilentlyContinue
    $process = Start-Process -FilePath dotnet -ArgumentList @($server, '--url-file', $urlFile, '--parent-pid', $PID) -PassThru -RedirectStandardOutput (Join-Path $output 'demo/server.log')
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path $urlFile)) {
        if ([DateTime]::UtcNow -gt $deadline -or $process.HasExited) { throw 'The test server did not start.' }
        [System.Threading.Thread]::Sleep(100)
    }
    [pscustomobject]@{ Process = $process; BaseUri = (Get-Content -Raw $urlFile).Trim() }
}

function Invoke-Demo {
    Invoke-Build
    $demo = Join-Path $output 'demo'
    Remove-Item -Recurse -Force $demo -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $demo | Out-Null
    $server = Start-TestServer
    try {
        $base = $server.BaseUri.TrimEnd('/')
        $urls = foreach ($i in 1..12) { "$base/bytes/$($i * 50000)/photo$i.jpg?seed=$i" }
        $urls += foreach ($i in 1..4) { "$base/slow/400000/video$i.mp4?chunk=40000&interval=100" }
        $urls += "$base/flaky/demo/1/120000/flaky.bin"
        $urls += "$base/status/404?body=no+such+file"
        $urls | Set-Content (Join-Path $demo 'urls.txt')
        Import-Module $module -Force
        Push-Location $demo
        try {
            Write-Host "PS> Get-Content urls.txt | Invoke-ThrottledDownload -Limit 3 -Path ./img" -ForegroundColor Cyan
            # As at a prompt: a failed item is reported and the batch goes on (this script otherwise stops on errors).
            $ErrorActionPreference = 'Continue'
            Get-Content urls.txt | Invoke-ThrottledDownload -Limit 3 -Path ./img -RetryIntervalSec 0 | Out-Host
        } finally {
            Pop-Location
        }
    } finally {
        Stop-Process -Id $server.Process.Id -ErrorAction SilentlyContinue
    }
}

function Invoke-Package {
    if (-not $NoBuild) { Invoke-Build }
    if (-not (Test-Path (Join-Path $module 'bin'))) { throw "No module at $module to package: build first." }
    $manifest = Join-Path $root 'ThrottledFetch.psd1'
    $version = (Import-PowerShellDataFile $manifest).ModuleVersion
    $target = Join-Path $output "publish/ThrottledFetch/$version"
    Remove-Item -Recurse -Force (Join-Path $output 'publish') -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $target | Out-Null
    Copy-Item -Path (Join-Path $module '*') -Destination $target -Recurse
    # The source manifest, not the build's copy: it is the one place the version is set, even with -NoBuild.
    Copy-Item -Path $manifest -Destination $target -Force
    # A package that would not install is a build failure, not a publisher's surprise.
    $null = Test-ModuleManifest -Path (Join-Path $target 'ThrottledFetch.psd1') -ErrorAction Stop
    Write-Host "Packaged $target"
}

function Invoke-Clean {
    Remove-Item -Recurse -Force $output -ErrorAction SilentlyContinue
    Get-ChildItem -Path (Join-Path $root 'src'), (Join-Path $root 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Package' { Invoke-Package }
    'Clean' { Invoke-Clean }
}
