# Pester 5: ThrottledFetch beside another module that carries other versions of its dependencies, each
# case in a fresh pwsh (a process loads an assembly once). On PowerShell 7 the engine, Polly.Core and
# System.Threading.RateLimiting load into the module's private load context, so neither order breaks
# either side. The older packages come from NuGet through tests/PesterRestore.proj.

BeforeAll {
    $script:Repo = Split-Path -Parent $PSScriptRoot
    $script:Manifest = Join-Path $Repo 'output/ThrottledFetch/ThrottledFetch.psd1'
    $packages = Join-Path $Repo 'output/packages'
    $script:OldRateLimiting = Join-Path $packages 'system.threading.ratelimiting/8.0.0/lib/net8.0/System.Threading.RateLimiting.dll'
    $script:OldPolly = Join-Path $packages 'polly.core/8.1.0/lib/net6.0/Polly.Core.dll'
    . (Join-Path $PSScriptRoot 'Pester/TestServer.ps1')
    $script:Server = Start-TestServer -RepoRoot $Repo

    # Runs a script in a new pwsh and returns what it wrote (one line of JSON), or throws with its errors.
    function Invoke-FreshPwsh([string] $Script) {
        $file = Join-Path $TestDrive ('case-' + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -LiteralPath $file -Value $Script
        $executable = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $arguments = @('-NoProfile', '-NonInteractive', '-File', $file)
        $first = [Environment]::GetCommandLineArgs()[0]
        if ($first -like '*.dll') { $arguments = @($first) + $arguments }
        $out = Join-Path $TestDrive ('out-' + [guid]::NewGuid().ToString('N'))
        $err = "$out.err"
        $child = Start-Process -FilePath $executable -ArgumentList $arguments -PassThru -NoNewWindow -RedirectStandardOutput $out -RedirectStandardError $err
        if (-not $child.WaitForExit(60000)) { $child.Kill($true); throw 'the child pwsh did not finish within 60 s' }
        $text = Get-Content -LiteralPath $out -Raw
        if ($child.ExitCode -ne 0) { throw "the child pwsh failed ($($child.ExitCode)): $text $(Get-Content -LiteralPath $err -Raw)" }
        $text | ConvertFrom-Json
    }

    # A download in the child, and where each of the assemblies in question was loaded.
    $script:Probe = @'
function Get-Download([string] $Name) {
    $r = Invoke-ThrottledDownload "BASEURLbytes/2000/$Name" -Path (Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())) -ErrorAction Stop
    '{0} {1}' -f $r.Status, $r.Length
}
function Get-Contexts {
    foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
        foreach ($a in $context.Assemblies) {
            $n = $a.GetName()
            if ($n.Name -match '^(Polly\.Core|System\.Threading\.RateLimiting|ThrottledFetch.*)$') { '{0} {1} {2}' -f $n.Name, $n.Version, $context.Name }
        }
    }
}
'@.Replace('BASEURL', $Server.BaseUrl)
}

AfterAll {
    Stop-TestServer $Server
}

Describe 'ThrottledFetch beside other versions of its dependencies' {
    It 'works when an older System.Threading.RateLimiting was loaded first' {
        $r = Invoke-FreshPwsh ($Probe + @"
Add-Type -Path '$OldRateLimiting'
Import-Module '$Manifest'
[pscustomobject]@{ Download = Get-Download 'a.bin'; Contexts = @(Get-Contexts) } | ConvertTo-Json -Compress
"@)
        $r.Download | Should -Be 'Completed 2000'
        $r.Contexts | Should -Contain 'System.Threading.RateLimiting 8.0.0.0 Default'
        $r.Contexts | Should -Contain 'System.Threading.RateLimiting 10.0.0.0 ThrottledFetch'
    }

    It 'works when an older Polly.Core was loaded first' {
        $r = Invoke-FreshPwsh ($Probe + @"
Add-Type -Path '$OldPolly'
Import-Module '$Manifest'
[pscustomobject]@{ Download = Get-Download 'b.bin'; Contexts = @(Get-Contexts) } | ConvertTo-Json -Compress
"@)
        $r.Download | Should -Be 'Completed 2000'
        $r.Contexts | Should -Contain 'Polly.Core 8.0.0.0 Default'
        ($r.Contexts | Where-Object { $_ -like 'Polly.Core * ThrottledFetch' }) | Should -Not -BeNullOrEmpty
    }

    It 'leaves the other module free to load its older versions after it' {
        $r = Invoke-FreshPwsh ($Probe + @"
Import-Module '$Manifest'
`$first = Get-Download 'c.bin'
Add-Type -Path '$OldRateLimiting'
Add-Type -Path '$OldPolly'
`$limiter = [System.Threading.RateLimiting.ConcurrencyLimiter]::new([System.Threading.RateLimiting.ConcurrencyLimiterOptions]@{ PermitLimit = 1; QueueLimit = 0 })
[pscustomobject]@{ First = `$first; Second = Get-Download 'd.bin'; Theirs = `$limiter.GetType().Assembly.GetName().Version.ToString(); Contexts = @(Get-Contexts) } | ConvertTo-Json -Compress
"@)
        $r.First | Should -Be 'Completed 2000'
        $r.Second | Should -Be 'Completed 2000'
        $r.Theirs | Should -Be '8.0.0.0'
        $r.Contexts | Where-Object { $_ -like '* Default' -and $_ -match '^(Polly|System)' } | Should -Not -Match '10\.0\.0\.0'
    }

    It 'loads no dependency of its own into the default context, and keeps the types scripts name there' {
        $r = Invoke-FreshPwsh ($Probe + @"
Import-Module '$Manifest'
`$types = foreach (`$t in [ThrottledFetch.DownloadResult], [ThrottledFetch.RequestResult], [ThrottledFetch.ThrottledSession]) { `$t.Assembly.GetName().Name }
[pscustomobject]@{ Download = Get-Download 'e.bin'; Contexts = @(Get-Contexts); Types = @(`$types) } | ConvertTo-Json -Compress
"@)
        $r.Types | Should -Be @('ThrottledFetch.Shared', 'ThrottledFetch.Shared', 'ThrottledFetch.Shared')
        $r.Download | Should -Be 'Completed 2000'
        $r.Contexts | Should -Contain 'ThrottledFetch.Engine 0.1.0.0 ThrottledFetch'
        $r.Contexts | Where-Object { $_ -like '* Default' } | Should -Not -Match '^(Polly|System\.Threading\.RateLimiting|ThrottledFetch\.Engine) '
    }
}
