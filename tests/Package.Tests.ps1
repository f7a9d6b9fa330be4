# Pester 5: the package `build.ps1 -Task Package` lays out is what a user installs. It passes
# Test-ModuleManifest, publishes to a local file repository with PSResourceGet, saves from there, and
# the saved copy imports in a fresh pwsh and downloads from the loopback test server.
# Needs `dotnet build ThrottledFetch.sln -c Release` first (Test does it); the package itself is laid
# out here with -NoBuild.

Describe 'The package from build.ps1 -Task Package' {
    BeforeAll {
        $script:Repo = Split-Path -Parent $PSScriptRoot
        . (Join-Path $PSScriptRoot 'Pester/TestServer.ps1')

        & (Join-Path $Repo 'build.ps1') -Task Package -NoBuild
        $script:Version = (Import-PowerShellDataFile (Join-Path $Repo 'ThrottledFetch.psd1')).ModuleVersion
        $script:Package = Join-Path $Repo "output/publish/ThrottledFetch/$Version"
        $script:Server = Start-TestServer -RepoRoot $Repo

        # Runs a script file in a fresh pwsh (the same pwsh.dll under the same dotnet host when this one
        # runs as `dotnet pwsh`), with a deadline. Returns its exit code and output.
        function Invoke-ChildPwsh([string] $ScriptFile, [string[]] $Arguments, [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 60) {
            $start = [System.Diagnostics.ProcessStartInfo]::new([System.Environment]::ProcessPath)
            $first = [System.Environment]::GetCommandLineArgs()[0]
            if ($first -like '*.dll') { $start.ArgumentList.Add($first) }
            foreach ($argument in @('-NoProfile', '-NonInteractive', '-File', $ScriptFile) + $Arguments) { $start.ArgumentList.Add($argument) }
            foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
            $start.WorkingDirectory = $TestDrive
            $start.UseShellExecute = $false
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $child = [System.Diagnostics.Process]::Start($start)
            try {
                $stdout = $child.StandardOutput.ReadToEndAsync()
                $stderr = $child.StandardError.ReadToEndAsync()
                if (-not $child.WaitForExit($TimeoutSeconds * 1000)) {
                    $child.Kill($true)
                    throw "$ScriptFile did not finish within $TimeoutSeconds s."
                }
                [pscustomobject]@{ ExitCode = $child.ExitCode; Output = $stdout.Result + $stderr.Result }
            }
            finally {
                $child.Dispose()
            }
        }

        # PSResourceGet keeps registrations in the user's PSResourceRepository.xml, under .NET's
        # LocalApplicationData. On Linux that folder follows XDG_DATA_HOME, so the child's registration
        # lands in the test drive and never reaches the user's file. On Windows and macOS it does not
        # follow any variable: there the child unregisters in a finally, and AfterAll checks again.
        # The folder must exist: .NET reports a missing one as '' and PSResourceGet then writes beside the
        # working directory (the test drive, so even that stays contained).
        $script:RepositoryName = 'ThrottledFetchTest-' + [guid]::NewGuid().ToString('N')
        $script:Isolated = $IsLinux
        $data = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'data') | Select-Object -ExpandProperty FullName
        $script:Feed = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'feed') | Select-Object -ExpandProperty FullName
        $script:Saved = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'saved') | Select-Object -ExpandProperty FullName
        $script:Report = Join-Path $TestDrive 'publish-report.json'

        $publishAndSave = {
            param($Name, $Feed, $Package, $Saved, $Report)
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            Register-PSResourceRepository -Name $Name -Uri $Feed -Trusted
            try {
                Publish-PSResource -Path $Package -Repository $Name
                Save-PSResource -Name ThrottledFetch -Repository $Name -Path $Saved -TrustRepository
            }
            finally {
                Unregister-PSResourceRepository -Name $Name
                @{ LeftRegistered = @(Get-PSResourceRepository -Name $Name -ErrorAction SilentlyContinue).Count } |
                    ConvertTo-Json | Set-Content -LiteralPath $Report
            }
        }
        $script:PublishScript = Join-Path $TestDrive 'publish-and-save.ps1'
        Set-Content -LiteralPath $PublishScript -Value $publishAndSave.ToString()
        $environment = if ($Isolated) { @{ XDG_DATA_HOME = $data } } else { @{} }
        $script:Publish = Invoke-ChildPwsh $PublishScript @($RepositoryName, $Feed, $Package, $Saved, $Report) $environment
    }

    AfterAll {
        Stop-TestServer $script:Server
        # Where the child wrote to the user's own repository file, make sure nothing stays behind even if
        # it was killed before its finally ran.
        if (-not $script:Isolated -and $script:RepositoryName -and
            (Get-PSResourceRepository -Name $script:RepositoryName -ErrorAction SilentlyContinue)) {
            Unregister-PSResourceRepository -Name $script:RepositoryName
        }
    }

    It 'passes Test-ModuleManifest with an explicit, publishable manifest' {
        $manifest = Join-Path $Package 'ThrottledFetch.psd1'
        $info = Test-ModuleManifest -Path $manifest -ErrorAction Stop
        $info.Version | Should -Be ([version]$Version)
        $info.PowerShellVersion | Should -Be ([version]'5.1')
        $info.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $info.LicenseUri | Should -Not -BeNullOrEmpty
        $info.ProjectUri | Should -Not -BeNullOrEmpty
        $info.Tags | Should -Contain 'download'

        $data = Import-PowerShellDataFile $manifest
        $data.CmdletsToExport | Should -Be @('Invoke-ThrottledDownload', 'Invoke-ThrottledRequest', 'New-ThrottledSession', 'Close-ThrottledSession')
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') {
            $data[$key] | Where-Object { $_ -match '\*' } | Should -BeNullOrEmpty -Because "$key lists names"
        }
        Join-Path $Package 'bin/net10.0/ThrottledFetch.dll' | Should -Exist
        Join-Path $Package 'bin/net10.0-linux-x64/deps/ThrottledFetch.Engine.dll' | Should -Exist
        Join-Path $Package 'bin/net8.0/ThrottledFetch.dll' | Should -Exist
        Join-Path $Package 'bin/netstandard2.0/ThrottledFetch.dll' | Should -Exist
        Join-Path $Package 'bin/net8.0/System.Management.Automation.dll' | Should -Not -Exist
    }

    It 'publishes to a local file repository as a .nupkg and saves from it' {
        $Publish.ExitCode | Should -Be 0 -Because $Publish.Output
        Join-Path $Feed "ThrottledFetch.$Version.nupkg" | Should -Exist
        Join-Path $Saved "ThrottledFetch/$Version/ThrottledFetch.psd1" | Should -Exist
        Join-Path $Saved "ThrottledFetch/$Version/bin/net8.0/ThrottledFetch.dll" | Should -Exist
    }

    It 'leaves no repository registered' {
        (Get-Content -Raw -LiteralPath $Report | ConvertFrom-Json).LeftRegistered | Should -Be 0
        if ($Isolated) {
            # The registration went to the test drive's file, not the user's.
            Join-Path $TestDrive 'data/PSResourceGet/PSResourceRepository.xml' | Should -Exist
            $userFile = Join-Path ([System.Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet/PSResourceRepository.xml'
            if (Test-Path -LiteralPath $userFile) {
                Get-Content -Raw -LiteralPath $userFile | Should -Not -Match $RepositoryName
            }
        }
    }

    It 'imports from the saved copy in a fresh pwsh and downloads a file' {
        $importAndDownload = {
            param($Saved, $Version, $Url, $Folder)
            $ErrorActionPreference = 'Stop'
            # By name from a module path, as a user's install is found.
            $env:PSModulePath = $Saved + [System.IO.Path]::PathSeparator + $env:PSModulePath
            Import-Module ThrottledFetch -RequiredVersion $Version
            $result = Invoke-ThrottledDownload $Url -Path $Folder
            [pscustomobject]@{
                ModuleBase = (Get-Module ThrottledFetch).ModuleBase
                Status     = "$($result.Status)"
                Length     = $result.Length
                Path       = $result.Path
            } | ConvertTo-Json -Compress
        }
        $script = Join-Path $TestDrive 'import-and-download.ps1'
        Set-Content -LiteralPath $script -Value $importAndDownload.ToString()
        $folder = Join-Path $TestDrive 'downloads'

        $run = Invoke-ChildPwsh $script @($Saved, $Version, "$($Server.BaseUrl)bytes/4321/packaged.bin", $folder)

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $result = $run.Output.Trim() -split "`n" | Select-Object -Last 1 | ConvertFrom-Json
        $result.ModuleBase | Should -Be (Join-Path $Saved "ThrottledFetch/$Version")
        $result.Status | Should -Be 'Completed'
        $result.Length | Should -Be 4321
        $result.Path | Should -Be (Join-Path $folder 'packaged.bin')
        (Get-Item -LiteralPath $result.Path).Length | Should -Be 4321
    }

    # The linux-x64 folder carries native code for every method, the cmdlets' too (Crossgen2 must be handed
    # PowerShell's reference assembly, or it skips each method that names a PowerShell type). The runtime's
    # list of what it JIT-compiled shows whether that code was used: a method it compiled at tier 0 had none.
    It 'runs the module from its ReadyToRun code on linux-x64: no method of it JIT-compiled at tier 0' -Skip:(
        [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier -ne 'linux-x64' -or [Environment]::Version.Major -lt 10) {
        $importAndDownload = {
            param($Saved, $Version, $Url, $Folder)
            $ErrorActionPreference = 'Stop'
            $env:PSModulePath = $Saved + [System.IO.Path]::PathSeparator + $env:PSModulePath
            Import-Module ThrottledFetch -RequiredVersion $Version
            $result = Invoke-ThrottledDownload $Url -Path $Folder
            "$($result.Status) $((Get-Command Invoke-ThrottledDownload).ImplementingType.Assembly.Location)"
        }
        $script = Join-Path $TestDrive 'jit-list.ps1'
        Set-Content -LiteralPath $script -Value $importAndDownload.ToString()
        $jitList = Join-Path $TestDrive 'jit-list.txt'
        $environment = @{ DOTNET_JitDisasmSummary = '1'; DOTNET_JitStdOutFile = $jitList; THROTTLEDFETCH_FRAMEWORK = '' }

        $run = Invoke-ChildPwsh $script @($Saved, $Version, "$($Server.BaseUrl)bytes/2048/jit.bin", (Join-Path $TestDrive 'jit')) $environment

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output.Trim() -split "`n" | Select-Object -Last 1 | Should -BeLike 'Completed */net10.0-linux-x64/ThrottledFetch.dll'
        $compiled = Get-Content -LiteralPath $jitList
        @($compiled | Where-Object { $_ -match 'JIT compiled ' }).Count | Should -BeGreaterThan 0 -Because 'the runtime wrote its list'
        $compiled | Where-Object { $_ -match 'JIT compiled ThrottledFetch\..*\[(Instrumented )?Tier0' } | Should -BeNullOrEmpty
    }
}
