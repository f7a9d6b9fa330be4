<#
.SYNOPSIS
    Measures Invoke-ThrottledDownload against the loopback test server (and curl, when present) on the
    same URLs: wall time per run and the peak memory of the process that downloads.
.DESCRIPTION
    Not part of the test suite: speed and memory are measured here, never asserted in tests. Each tool
    runs in its own fresh process so start-up cost is included, as a user would meet it. Build first
    (dotnet build ThrottledFetch.sln -c Release).
.EXAMPLE
    dotnet pwsh ./tests/Benchmarks/Invoke-Benchmark.ps1 -Count 20000 -Limit 32
.EXAMPLE
    dotnet pwsh ./tests/Benchmarks/Invoke-Benchmark.ps1 -Count 1 -Size 1GB -Limit 1
#>
[CmdletBinding()]
param(
    [int] $Count = 2000,
    [long] $Size = 1024,
    [int] $Limit = 32,
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
# A fresh folder per run: ext4 slows file creation right after mass deletion (it scans recently
# deleted inodes), which would charge one tool for the previous run's clean-up.
$work = Join-Path $root ('output/benchmark/' + [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss'))
New-Item -ItemType Directory -Force $work | Out-Null

$serverDll = Join-Path $root "tests/TestServer/bin/$Configuration/net10.0/TestServer.dll"
$urlFile = Join-Path $work 'server-url.txt'
$server = Start-Process dotnet -ArgumentList @($serverDll, '--url-file', $urlFile, '--parent-pid', $PID) -PassThru -RedirectStandardOutput (Join-Path $work 'server.log')
try {
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path $urlFile)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw 'The test server did not start.' }
        Start-Sleep -Milliseconds 100
    }
    $base = (Get-Content -Raw $urlFile).Trim().TrimEnd('/')
    $list = Join-Path $work 'urls.txt'
    [System.IO.File]::WriteAllLines($list, [string[]](1..$Count | ForEach-Object { "$base/bytes/$Size/f$_.bin" }))

    # /usr/bin/time is not everywhere: read the child's peak RSS from /proc while it runs instead.
    function Measure-Run([string] $Name, [string] $File, [string[]] $Arguments, [string] $Folder) {
        New-Item -ItemType Directory -Force $Folder | Out-Null
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $process = Start-Process -FilePath $File -ArgumentList $Arguments -PassThru -WorkingDirectory $Folder -RedirectStandardOutput (Join-Path $work "$Name.out") -RedirectStandardError (Join-Path $work "$Name.err")
        $peak = 0
        while (-not $process.HasExited) {
            try {
                $line = Get-Content "/proc/$($process.Id)/status" -ErrorAction Stop | Where-Object { $_ -like 'VmHWM:*' }
                if ($line) { $peak = [math]::Max($peak, [long](($line -split '\s+')[1])) }
            } catch { }
            Start-Sleep -Milliseconds 50
        }
        $clock.Stop()
        $files = @(Get-ChildItem -File $Folder -Recurse).Count
        [pscustomobject]@{
            Tool       = $Name
            Urls       = $Count
            Size       = $Size
            Limit      = $Limit
            Seconds    = [math]::Round($clock.Elapsed.TotalSeconds, 2)
            UsPerUrl   = [math]::Round($clock.Elapsed.TotalMilliseconds * 1000 / $Count, 1)
            PeakRssMiB = [math]::Round($peak / 1024, 1)
            Files      = $files
            ExitCode   = $process.ExitCode
        }
    }

    $manifest = Join-Path $root 'output/ThrottledFetch/ThrottledFetch.psd1'
    $pwshDll = [Environment]::GetCommandLineArgs()[0]
    $executable = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $script = "`$ProgressPreference = 'SilentlyContinue'; Import-Module '$manifest'; Get-Content '$list' | Invoke-ThrottledDownload -Limit $Limit -Path . | Out-Null"
    $pwshArgs = @('-NoProfile', '-NonInteractive', '-Command', $script)
    if ($pwshDll -like '*.dll') { $pwshArgs = @($pwshDll) + $pwshArgs }
    Measure-Run 'ThrottledFetch' $executable $pwshArgs (Join-Path $work 'tf')

    if (Get-Command curl -ErrorAction SilentlyContinue) {
        $config = Join-Path $work 'curl.cfg'
        [System.IO.File]::WriteAllLines($config, [string[]](1..$Count | ForEach-Object { "url = `"$base/bytes/$Size/f$_.bin`"`noutput = `"f$_.bin`"" }))
        Measure-Run 'curl' (Get-Command curl).Source @('--silent', '--parallel', '--parallel-max', "$Limit", '--config', $config) (Join-Path $work 'curl')
    }
    if (Get-Command aria2c -ErrorAction SilentlyContinue) {
        Measure-Run 'aria2c' (Get-Command aria2c).Source @('--quiet', '-j', "$Limit", '-i', $list) (Join-Path $work 'aria2')
    }
} finally {
    Stop-Process -Id $server.Id -ErrorAction SilentlyContinue
}
