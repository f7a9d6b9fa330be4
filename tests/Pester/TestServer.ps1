# Helpers for Pester files: start/stop the loopback test server (tests/TestServer) and talk to its
# /_control endpoints. Dot-source this file in a BeforeAll block.
#
#   $server = Start-TestServer -RepoRoot $repo      # $server.BaseUrl is 'http://127.0.0.1:PORT/'
#   Reset-TestServer $server; Get-TestServerStats $server; Get-TestServerRequest $server -Prefix '/bytes/'
#   Stop-TestServer $server

function Get-TestServerDotnet {
    # Under `dotnet pwsh` the process itself is the dotnet host; otherwise use the one on PATH.
    $processPath = [System.Environment]::ProcessPath
    if ($processPath -and [System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
        return $processPath
    }
    $command = Get-Command -Name dotnet -CommandType Application -ErrorAction Stop | Select-Object -First 1
    return $command.Source
}

function Start-TestServer {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $RepoRoot,
        [string] $Configuration = 'Release',
        [int] $TimeoutSeconds = 30
    )

    $dll = Join-Path $RepoRoot "tests/TestServer/bin/$Configuration/net10.0/TestServer.dll"
    if (-not (Test-Path -LiteralPath $dll)) {
        throw "Test server not built: '$dll' is missing. Run: dotnet build ThrottledFetch.sln -c $Configuration"
    }

    $work = Join-Path ([System.IO.Path]::GetTempPath()) ('tf-testserver-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $work -Force
    $urlFile = Join-Path $work 'url.txt'
    $stdout = Join-Path $work 'stdout.txt'
    $stderr = Join-Path $work 'stderr.txt'

    $arguments = @(('"{0}"' -f $dll), '--url-file', ('"{0}"' -f $urlFile), '--parent-pid', $PID)
    $process = Start-Process -FilePath (Get-TestServerDotnet) -ArgumentList $arguments -PassThru -NoNewWindow `
        -RedirectStandardOutput $stdout -RedirectStandardError $stderr

    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not (Test-Path -LiteralPath $urlFile)) {
        if ($process.HasExited) {
            $errors = Get-Content -LiteralPath $stderr -Raw -ErrorAction SilentlyContinue
            throw "Test server exited with code $($process.ExitCode) before listening. $errors"
        }
        if ($clock.Elapsed.TotalSeconds -gt $TimeoutSeconds) {
            $process.Kill($true)
            throw "Test server did not write '$urlFile' within $TimeoutSeconds s."
        }
        Start-Sleep -Milliseconds 50
    }

    $baseUrl = (Get-Content -LiteralPath $urlFile -Raw).Trim()
    if (-not $baseUrl.EndsWith('/')) { $baseUrl += '/' }

    [pscustomobject]@{
        Process = $process
        BaseUrl = $baseUrl
        WorkDir = $work
        Dll     = $dll
    }
}

function Stop-TestServer {
    [CmdletBinding()]
    param([Parameter(Mandatory)][AllowNull()] $Server)

    if ($null -eq $Server) { return }
    $process = $Server.Process
    if ($process -and -not $process.HasExited) {
        try { $process.Kill($true) } catch [System.InvalidOperationException] { }
        $null = $process.WaitForExit(10000)
    }
    if ($process) { $process.Dispose() }
    if ($Server.WorkDir -and (Test-Path -LiteralPath $Server.WorkDir)) {
        Remove-Item -LiteralPath $Server.WorkDir -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Invoke-TestServerControl {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Server,
        [Parameter(Mandatory, Position = 1)][string] $RelativeUrl
    )
    Invoke-RestMethod -Uri ($Server.BaseUrl + $RelativeUrl.TrimStart('/')) -NoProxy -TimeoutSec 10
}

# Clears the in-flight peak, the request count, the request log and the per-key attempt counters.
function Reset-TestServer {
    param([Parameter(Mandatory, Position = 0)] $Server)
    $null = Invoke-TestServerControl $Server '_control/reset'
}

# inFlight, peakInFlight, totalRequests.
function Get-TestServerStats {
    param([Parameter(Mandatory, Position = 0)] $Server)
    Invoke-TestServerControl $Server '_control/stats'
}

# Recorded requests (method, path, query, headers, port, arrivedAt) whose path starts with -Prefix.
function Get-TestServerRequest {
    param(
        [Parameter(Mandatory, Position = 0)] $Server,
        [string] $Prefix = '/'
    )
    $json = Invoke-WebRequest -Uri ($Server.BaseUrl + '_control/requests?prefix=' + [uri]::EscapeDataString($Prefix)) `
        -NoProxy -TimeoutSec 10
    # One object per request (wrap calls in @() for a count).
    $json.Content | ConvertFrom-Json | ForEach-Object { $_ }
}

# Lets a /hold/{key}/... request send the rest of its body.
function Open-TestServerHold {
    param([Parameter(Mandatory, Position = 0)] $Server, [Parameter(Mandatory, Position = 1)][string] $Key)
    $null = Invoke-TestServerControl $Server ('_control/release/' + [uri]::EscapeDataString($Key))
}
