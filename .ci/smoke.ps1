<#
.SYNOPSIS
    Imports the built module (output/ThrottledFetch) in the PowerShell that runs this script and
    downloads one file from the loopback test server.
.DESCRIPTION
    CI runs it in Windows PowerShell 5.1, where the test suite does not run: it is the one check that
    the netstandard2.0 build loads and works on .NET Framework. Written for 5.1 and 7 alike (no
    7-only syntax or APIs). Needs a Release build: dotnet build ThrottledFetch.sln -c Release
.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File .ci/smoke.ps1 -Edition Desktop
#>
[CmdletBinding()]
param(
    # Fail unless this edition runs the script, so a CI step cannot pass by running the wrong shell.
    [ValidateSet('Core', 'Desktop')]
    [string] $Edition
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
. (Join-Path $root 'tests/Pester/TestServer.ps1')

$running = $PSVersionTable.PSEdition
if ($Edition -and $running -ne $Edition) { throw "Expected PowerShell edition $Edition, running $running." }
Write-Host "PowerShell $($PSVersionTable.PSVersion) ($running)"

Import-Module (Join-Path $root 'output/ThrottledFetch') -Force
$framework = if ($running -ne 'Core') { 'netstandard2.0' }
elseif ([Environment]::Version.Major -lt 10) { 'net8.0' }
elseif ([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier -eq 'linux-x64') { 'net10.0-linux-x64' }
else { 'net10.0' }
$assembly = (Get-Command Invoke-ThrottledDownload).ImplementingType.Assembly.Location
if ((Split-Path -Leaf (Split-Path -Parent $assembly)) -ne $framework) { throw "Loaded $assembly, expected the $framework build." }
Write-Host "Loaded $assembly"

$server = Start-TestServer -RepoRoot $root
$folder = Join-Path ([System.IO.Path]::GetTempPath()) ('tf-smoke-' + [guid]::NewGuid().ToString('N'))
try {
    $result = Invoke-ThrottledDownload "$($server.BaseUrl)bytes/50000/smoke.bin" -Path $folder -NoProxy
    $result | Format-List | Out-Host
    if ("$($result.Status)" -ne 'Completed' -or $result.Length -ne 50000 -or (Get-Item -LiteralPath $result.Path).Length -ne 50000) {
        throw "The smoke download did not complete as expected: $($result.Status) $($result.Length) bytes. $($result.Error)"
    }
    Write-Host 'Smoke download completed.'
}
finally {
    # Not Stop-TestServer: it uses Process.Kill(bool), which .NET Framework lacks.
    Stop-Process -Id $server.Process.Id -Force -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $server.WorkDir, $folder -Recurse -Force -ErrorAction SilentlyContinue
}
