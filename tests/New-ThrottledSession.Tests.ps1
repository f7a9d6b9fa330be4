# Pester 5: New-ThrottledSession, -Session and Close-ThrottledSession as a user drives them in real pwsh, against
# the loopback test server. Needs `dotnet build ThrottledFetch.sln -c Release` first. Every request goes to 127.0.0.1.

BeforeAll {
    $script:Repo = Split-Path -Parent $PSScriptRoot
    $script:Manifest = Join-Path $Repo 'output/ThrottledFetch/ThrottledFetch.psd1'
    . (Join-Path $PSScriptRoot 'Pester/TestServer.ps1')

    Import-Module $Manifest -Force -ErrorAction Stop
    $script:Server = Start-TestServer -RepoRoot $Repo
    $script:Base = $Server.BaseUrl

    function New-TestFolder([string] $Name) {
        New-Item -ItemType Directory -Path (Join-Path $TestDrive $Name) -Force | Select-Object -ExpandProperty FullName
    }

    function New-Key([string] $Prefix) { $Prefix + '-' + [guid]::NewGuid().ToString('N').Substring(0, 12) }
}

AfterAll {
    Stop-TestServer $script:Server
}

Describe 'New-ThrottledSession' {

    Context 'Discovery and help' {
        It 'exports New-ThrottledSession and Close-ThrottledSession, and -Session on Invoke-ThrottledDownload' {
            (Get-Command New-ThrottledSession -ErrorAction Stop).CommandType | Should -Be 'Cmdlet'
            (Get-Command Close-ThrottledSession -ErrorAction Stop).ModuleName | Should -Be 'ThrottledFetch'
            (Get-Command Invoke-ThrottledDownload).Parameters['Session'].ParameterType.FullName | Should -Be 'ThrottledFetch.ThrottledSession'
        }

        It 'has help with at least three examples for <_>' -ForEach 'New-ThrottledSession', 'Close-ThrottledSession' {
            $help = Get-Help $_ -Full
            $help.Synopsis | Should -Not -Match "^\s*$_\s+\["
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        }

        It 'has a SESSIONS section in about_ThrottledFetch' {
            (Get-Help about_ThrottledFetch | Out-String) | Should -Match 'SESSIONS'
        }
    }

    Context 'The session object' {
        It 'shows its settings and live counters, header names but not their values' {
            $s = New-ThrottledSession -Limit 5 -LimitPerHost 2 -Headers @{ 'X-Api-Key' = 'very-secret' } -UserAgent 'Ops/1.0'
            try {
                $s.GetType().FullName | Should -Be 'ThrottledFetch.ThrottledSession'
                $s.Limit | Should -Be 5
                $s.Headers['X-Api-Key'] | Should -Be 'very-secret'
                $text = $s | Out-String
                foreach ($label in 'Limit', 'LimitPerHost', 'UserAgent', 'Cookies', 'InFlight', 'Waiting', 'PausedHosts', 'IsClosed') {
                    $text | Should -Match "(?m)^$label\s+:"
                }
                $text | Should -Match 'X-Api-Key'
                $text | Should -Not -Match 'very-secret'
                ($s | Format-Table | Out-String) | Should -Match 'Limit\s+PerHost\s+PerSecond\s+InFlight\s+Waiting'
            }
            finally {
                Close-ThrottledSession $s
            }
        }

        It 'refuses its settings given again beside -Session, naming them' {
            $s = New-ThrottledSession
            try {
                { Invoke-ThrottledDownload "$($Base)bytes/10/x.bin" -Path $TestDrive -Session $s -Limit 2 -ErrorAction Stop } |
                    Should -Throw -ErrorId 'ConnectionParameterWithSession,ThrottledFetch.Commands.InvokeThrottledDownloadCommand' -ExpectedMessage '*-Limit is a setting of the session*'
            }
            finally {
                $s.Dispose()
            }
        }
    }

    Context 'Sharing one session' {
        It 'keeps ForEach-Object -Parallel runspaces together within its limit' {
            $dir = New-TestFolder 'parallel'
            $s = New-ThrottledSession -Limit 3
            Reset-TestServer $Server
            try {
                $results = @(1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
                        Import-Module $using:Manifest
                        $worker = $_
                        $urls = 1..6 | ForEach-Object { '{0}delay/300/100/w{1}-{2}.bin' -f $using:Base, $worker, $_ }
                        $urls | Invoke-ThrottledDownload -Session $using:s -Path $using:dir
                    })

                $results.Count | Should -Be 24
                $results | Where-Object Status -NE 'Completed' | Should -BeNullOrEmpty
                (Get-TestServerStats $Server).peakInFlight | Should -Be 3
                $s.InFlight | Should -Be 0
            }
            finally {
                Close-ThrottledSession $s
            }
        }

        It 'gets its slots back at once when Select-Object -First ends a pipeline early' {
            $dir = New-TestFolder 'first'
            $key = New-Key 'first'
            $s = New-ThrottledSession -Limit 2
            try {
                $urls = "$($Base)hold/$key/20000/held.bin", "$($Base)bytes/100/quick.bin", "$($Base)hold/$key/20000/next.bin"
                $first = @($urls | Invoke-ThrottledDownload -Session $s -Path $dir | Select-Object -First 1)

                $first.Count | Should -Be 1
                $s.InFlight | Should -Be 0
                $s.Waiting | Should -Be 0
                (Invoke-ThrottledDownload "$($Base)bytes/100/after.bin" -Session $s -Path $dir).Status | Should -Be 'Completed'
            }
            finally {
                Open-TestServerHold $Server $key
                Close-ThrottledSession $s
            }
        }

        It 'stays open when another runspace removes the module' {
            $dir = New-TestFolder 'remove'
            $s = New-ThrottledSession -Limit 2
            try {
                $ps = [powershell]::Create()
                $null = $ps.AddScript('param($Manifest, $Session, $Url, $Path) Import-Module $Manifest; Invoke-ThrottledDownload $Url -Session $Session -Path $Path | Out-Null; Remove-Module ThrottledFetch').
                    AddArgument($Manifest).AddArgument($s).AddArgument("$($Base)bytes/10/there.bin").AddArgument($dir)
                $null = $ps.Invoke()
                $ps.Streams.Error | Should -BeNullOrEmpty
                $ps.Dispose()

                $s.IsClosed | Should -BeFalse
                (Invoke-ThrottledDownload "$($Base)bytes/10/here.bin" -Session $s -Path $dir).Status | Should -Be 'Completed'
            }
            finally {
                Close-ThrottledSession $s
            }
        }
    }

    Context 'Closing' {
        It 'closes from the pipeline, twice without harm, and a closed session fails a new command clearly' {
            $s = New-ThrottledSession
            $s | Close-ThrottledSession
            $s.Dispose()

            $s.IsClosed | Should -BeTrue
            { Invoke-ThrottledDownload "$($Base)bytes/10/x.bin" -Path $TestDrive -Session $s -ErrorAction Stop } |
                Should -Throw -ErrorId 'SessionClosed,ThrottledFetch.Commands.InvokeThrottledDownloadCommand' -ExpectedMessage '*session given with -Session is closed*'
        }
    }
}
