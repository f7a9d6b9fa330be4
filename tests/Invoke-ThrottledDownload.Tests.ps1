# Pester 5: Invoke-ThrottledDownload as a user drives it in real pwsh, against the loopback test server.
# Needs `dotnet build ThrottledFetch.sln -c Release` first (the module at output/ThrottledFetch and the
# test server at tests/TestServer/bin/Release). Every request goes to 127.0.0.1.

BeforeAll {
    $script:Repo = Split-Path -Parent $PSScriptRoot
    $script:Manifest = Join-Path $Repo 'output/ThrottledFetch/ThrottledFetch.psd1'
    . (Join-Path $PSScriptRoot 'Pester/TestServer.ps1')

    Import-Module $Manifest -Force -ErrorAction Stop
    $script:Server = Start-TestServer -RepoRoot $Repo
    $script:Base = $Server.BaseUrl

    # Expected content: the server's own deterministic bytes, or (if its assembly cannot load here)
    # a reference download with Invoke-WebRequest.
    $script:ContentFromAssembly = $false
    try {
        Add-Type -Path $Server.Dll -ErrorAction Stop
        $null = [ThrottledFetch.Testing.TestContent]::Bytes(1, 0)
        $script:ContentFromAssembly = $true
    }
    catch {
        Write-Warning "TestServer.dll did not load ($($_.Exception.Message)); expected bytes come from Invoke-WebRequest."
    }

    function Get-ExpectedBytes([long] $Size, [int] $Seed = 0) {
        if ($script:ContentFromAssembly) {
            return , [ThrottledFetch.Testing.TestContent]::Bytes($Size, $Seed)
        }
        $file = Join-Path $TestDrive ('reference-' + [guid]::NewGuid().ToString('N'))
        Invoke-WebRequest -Uri "$($script:Base)bytes/$Size/ref?seed=$Seed" -OutFile $file -NoProxy
        $bytes = [System.IO.File]::ReadAllBytes($file)
        Remove-Item -LiteralPath $file
        return , $bytes
    }

    function Get-ExpectedSha256([long] $Size, [int] $Seed = 0) {
        [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData((Get-ExpectedBytes $Size $Seed)))
    }

    function Get-Sha256([string] $LiteralPath) {
        (Get-FileHash -LiteralPath $LiteralPath -Algorithm SHA256).Hash
    }

    function New-TestFolder([string] $Name) {
        New-Item -ItemType Directory -Path (Join-Path $TestDrive $Name) -Force | Select-Object -ExpandProperty FullName
    }

    # DESIGN.md's part-file name: <planned name>.<first 8 hex of SHA-256 of the URL>.part
    function Get-PartPath([string] $Planned, [string] $Url) {
        $bytes = [System.Text.Encoding]::UTF8.GetBytes(([uri]$Url).AbsoluteUri)
        $Planned + '.' + [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($bytes), 0, 4).ToLowerInvariant() + '.part'
    }

    function New-Key([string] $Prefix) { $Prefix + '-' + [guid]::NewGuid().ToString('N').Substring(0, 12) }

    # Runs a script (after importing the module) in its own runspace with a deadline, for the cases
    # where the server never ends the response by itself (/stall, /hold): a product bug then fails the
    # test instead of hanging the run. Error records land in Errors because -ErrorAction stays Continue.
    function Invoke-WithDeadline([string] $Script, [object[]] $Arguments = @(), [double] $TimeoutSeconds = 15) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($Manifest) Import-Module $Manifest').AddArgument($script:Manifest).AddStatement().AddScript($Script)
        foreach ($argument in $Arguments) { $null = $ps.AddArgument($argument) }
        $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $in.Complete()
        $out = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $async = $ps.BeginInvoke($in, $out)
        $finished = $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSeconds))
        $clock.Stop()
        if ($finished) {
            try { $null = $ps.EndInvoke($async) } catch { }
        }
        else {
            # Leave it behind if even a stop hangs; AfterAll stops the server, which aborts its requests.
            $null = $ps.BeginStop($null, $null).AsyncWaitHandle.WaitOne(3000)
        }
        [pscustomobject]@{
            Output   = @($out)
            Errors   = @($ps.Streams.Error)
            TimedOut = -not $finished
            Elapsed  = $clock.Elapsed
        }
        if ($finished) { $ps.Dispose() }
    }
}

AfterAll {
    Stop-TestServer $script:Server
}

Describe 'Invoke-ThrottledDownload' {

    Context 'Discovery and help' {
        It 'runs the build this run asks for (THROTTLEDFETCH_FRAMEWORK=netstandard2.0 is the 5.1 build, net8.0 the 7.4 one)' {
            $expected = if ($env:THROTTLEDFETCH_FRAMEWORK) { $env:THROTTLEDFETCH_FRAMEWORK }
            elseif ([Environment]::Version.Major -lt 10) { 'net8.0' }
            elseif ([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier -eq 'linux-x64') { 'net10.0-linux-x64' }
            else { 'net10.0' }
            $location = (Get-Command Invoke-ThrottledDownload).ImplementingType.Assembly.Location
            Split-Path -Leaf (Split-Path -Parent $location) | Should -Be $expected
        }

        It 'is a cmdlet exported by the ThrottledFetch module' {
            $command = Get-Command Invoke-ThrottledDownload -ErrorAction Stop
            $command.CommandType | Should -Be 'Cmdlet'
            $command.Source | Should -Be 'ThrottledFetch'
            $command.ModuleName | Should -Be 'ThrottledFetch'
        }

        It 'has help with a synopsis and examples' {
            $help = Get-Help Invoke-ThrottledDownload -Full
            # Without a help file, Get-Help falls back to the bare syntax as the "synopsis".
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -Match '^\s*Invoke-ThrottledDownload\s+\['
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 1
            ($help.Examples.Example.Code -join "`n") | Should -Match 'Invoke-ThrottledDownload'
        }
    }

    Context 'The headline pipeline' {
        It 'downloads 30 URLs from a text file with exactly 3 requests in flight' {
            $sizes = 1..30 | ForEach-Object { 1000 + 137 * $_ }
            $lines = 1..30 | ForEach-Object { "$($Base)delay/150/$($sizes[$_ - 1])/img$_.bin" }
            Set-Content -LiteralPath (Join-Path $TestDrive 'urls.txt') -Value $lines
            Reset-TestServer $Server

            Push-Location $TestDrive
            try {
                $results = @(Get-Content urls.txt | Invoke-ThrottledDownload -Limit 3 -Path ./img)
            }
            finally {
                Pop-Location
            }

            $results.Count | Should -Be 30
            $results | ForEach-Object { $_.GetType().FullName | Should -Be 'ThrottledFetch.DownloadResult' }
            $results | Where-Object Status -NE 'Completed' | Should -BeNullOrEmpty
            foreach ($i in 1..30) {
                $file = Join-Path $TestDrive "img/img$i.bin"
                $file | Should -Exist
                (Get-Item -LiteralPath $file).Length | Should -Be $sizes[$i - 1]
                $result = $results | Where-Object { $_.Path -eq $file }
                $result | Should -Not -BeNullOrEmpty
                $result.Length | Should -Be $sizes[$i - 1]
                $result.StatusCode | Should -Be 200
            }
            Get-ChildItem (Join-Path $TestDrive 'img') -Filter *.part | Should -BeNullOrEmpty
            $stats = Get-TestServerStats $Server
            $stats.totalRequests | Should -Be 30
            $stats.peakInFlight | Should -Be 3
        }

        It 'writes the right bytes' {
            $dir = New-TestFolder 'bytes'
            $result = Invoke-ThrottledDownload "$($Base)bytes/70000/seeded.bin?seed=42" -Path $dir
            $result.Status | Should -Be 'Completed'
            $result.Path | Should -Be (Join-Path $dir 'seeded.bin')
            Get-Sha256 $result.Path | Should -Be (Get-ExpectedSha256 70000 42)
        }
    }

    Context 'Streaming' {
        It 'returns from Select-Object -First 1 after the first result' {
            $dir = New-TestFolder 'first'
            $urls = @("$($Base)bytes/100/fast.bin") + (1..4 | ForEach-Object { "$($Base)delay/4000/10/slow$_.bin" })
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $first = @($urls | Invoke-ThrottledDownload -Path $dir | Select-Object -First 1)
            $clock.Stop()

            $first.Count | Should -Be 1
            $first[0].Status | Should -Be 'Completed'
            $first[0].Path | Should -Be (Join-Path $dir 'fast.bin')
            # The slow items answer only after 4 s: the pipeline must not wait for them.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 3
        }

        It 'writes a result while the input is still arriving' {
            $dir = New-TestFolder 'stream'
            $log = [System.Collections.Generic.List[string]]::new()
            & {
                "$($Base)bytes/100/p1.bin"
                Start-Sleep -Milliseconds 800
                $log.Add('second input')
                "$($Base)bytes/100/p2.bin"
                Start-Sleep -Milliseconds 800
                $log.Add('input ended')
            } | Invoke-ThrottledDownload -Path $dir | ForEach-Object { $log.Add('result ' + (Split-Path -Leaf $_.Path)) }

            $log | Should -Contain 'result p1.bin'
            $log | Should -Contain 'result p2.bin'
            $log.IndexOf('result p1.bin') | Should -BeLessThan $log.IndexOf('input ended')
        }
    }

    Context 'CSV input with Url, OutFile and Sha256 columns' {
        It 'respects OutFile and fails an item whose hash does not match, leaving no file' {
            $dir = New-TestFolder 'csv'
            $csv = Join-Path $TestDrive 'list.csv'
            @(
                [pscustomobject]@{ Url = "$($Base)bytes/2000/a?seed=5"; OutFile = 'sub/one.dat'; Sha256 = (Get-ExpectedSha256 2000 5).ToLowerInvariant() }
                [pscustomobject]@{ Url = "$($Base)bytes/3000/b?seed=6"; OutFile = 'two.dat'; Sha256 = ('0' * 64) }
            ) | Export-Csv -LiteralPath $csv -NoTypeInformation

            $results = @(Import-Csv -LiteralPath $csv |
                    Invoke-ThrottledDownload -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue)

            $one = Join-Path $dir 'sub/one.dat'
            $one | Should -Exist
            Get-Sha256 $one | Should -Be (Get-ExpectedSha256 2000 5)
            ($results | Where-Object Path -EQ $one).Status | Should -Be 'Completed'

            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'DownloadHashMismatch*'
            $errs[0].TargetObject.Status | Should -Be 'Failed'
            $errs[0].Exception.Message | Should -Match ([regex]::Escape("$($Base)bytes/3000/b"))
            Join-Path $dir 'two.dat' | Should -Not -Exist
            @(Get-ChildItem -LiteralPath $dir -Filter '*.part') | Should -BeNullOrEmpty
            @(Get-ChildItem -LiteralPath $dir -Recurse -File).Count | Should -Be 1
        }
    }

    Context 'Bad input' {
        It 'ignores blank lines, reports a malformed line and a 404, and completes the rest' {
            $dir = New-TestFolder 'bad'
            $notFound = "$($Base)status/404?body=no-such-thing"
            $lines = @(
                "$($Base)bytes/100/good1.bin"
                ''
                '   '
                'not a url'
                $notFound
                ''
                "$($Base)bytes/200/good2.bin"
            )
            Set-Content -LiteralPath (Join-Path $TestDrive 'bad.txt') -Value $lines
            Reset-TestServer $Server

            $results = @(Get-Content -LiteralPath (Join-Path $TestDrive 'bad.txt') |
                    Invoke-ThrottledDownload -Path $dir -RetryIntervalSec 0 -ErrorVariable errs -ErrorAction SilentlyContinue)

            $errs.Count | Should -Be 2
            $invalid = @($errs | Where-Object FullyQualifiedErrorId -Like 'InvalidDownloadUri*')
            $invalid.Count | Should -Be 1
            $invalid[0].Exception.Message | Should -Match 'not a url'
            $invalid[0].CategoryInfo.Category | Should -Be 'InvalidArgument'

            $http = @($errs | Where-Object FullyQualifiedErrorId -Like 'DownloadHttpStatus*')
            $http.Count | Should -Be 1
            $http[0].Exception.Message | Should -Match ([regex]::Escape("$($Base)status/404"))
            $http[0].Exception.Message | Should -Match '404'
            $http[0].Exception.Message | Should -Match 'no-such-thing'
            $http[0].Exception | Should -BeOfType ([ThrottledFetch.DownloadException])
            $http[0].Exception | Should -BeOfType ([ThrottledFetch.ThrottledFetchException])
            $http[0].Exception.Kind | Should -Be 'HttpStatus'
            $http[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $http[0].TargetObject.Status | Should -Be 'Failed'
            $http[0].TargetObject.StatusCode | Should -Be 404

            @($results | Where-Object Status -EQ 'Completed').Count | Should -Be 2
            (Get-Item (Join-Path $dir 'good1.bin')).Length | Should -Be 100
            (Get-Item (Join-Path $dir 'good2.bin')).Length | Should -Be 200
            # Blank lines make no request, no result and no error.
            (Get-TestServerStats $Server).totalRequests | Should -Be 3
            @($results | Where-Object Status -EQ 'Failed').Count | Should -Be 2
            $results.Count | Should -Be 4
        }
    }

    Context 'Existing files' {
        BeforeEach {
            $dir = New-TestFolder ('exist-' + [guid]::NewGuid().ToString('N'))
            $existing = Join-Path $dir 'exist.bin'
            Set-Content -LiteralPath $existing -Value 'old' -NoNewline
            $url = "$($Base)bytes/100/exist.bin"
        }

        It 'keeps the file and reports ResourceExists without -Force' {
            $result = Invoke-ThrottledDownload $url -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'ResourceExists*'
            $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $result.Status | Should -Be 'Failed'
            Get-Content -LiteralPath $existing -Raw | Should -Be 'old'
            Get-PartPath (Join-Path $dir 'exist.bin') $url | Should -Not -Exist
        }

        It 'skips it with -SkipExisting and sends no request' {
            Reset-TestServer $Server
            $result = Invoke-ThrottledDownload $url -Path $dir -SkipExisting -ErrorVariable errs
            $errs.Count | Should -Be 0
            $result.Status | Should -Be 'Skipped'
            $result.Path | Should -Be $existing
            Get-Content -LiteralPath $existing -Raw | Should -Be 'old'
            (Get-TestServerStats $Server).totalRequests | Should -Be 0
        }

        It 'replaces it with -Force' {
            $result = Invoke-ThrottledDownload $url -Path $dir -Force
            $result.Status | Should -Be 'Completed'
            (Get-Item -LiteralPath $existing).Length | Should -Be 100
            Get-Sha256 $existing | Should -Be (Get-ExpectedSha256 100)
        }

        It 'rejects -Force with -SkipExisting as a terminating error' {
            Reset-TestServer $Server
            # -ErrorAction SilentlyContinue does not silence a terminating error.
            $thrown = $null
            try { Invoke-ThrottledDownload $url -Path $dir -Force -SkipExisting -ErrorAction SilentlyContinue }
            catch { $thrown = $_ }
            $thrown | Should -Not -BeNullOrEmpty -Because '-Force with -SkipExisting must throw'
            $thrown.FullyQualifiedErrorId | Should -BeLike 'ForceWithSkipExisting*'
            $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-Content -LiteralPath $existing -Raw | Should -Be 'old'
            (Get-TestServerStats $Server).totalRequests | Should -Be 0
        }
    }

    Context '-WhatIf' {
        It 'sends nothing and creates no folder' {
            $dir = Join-Path $TestDrive 'whatif/new'
            Reset-TestServer $Server
            $out = @(Invoke-ThrottledDownload "$($Base)bytes/100/w1.bin", "$($Base)bytes/100/w2.bin" -Path $dir -WhatIf)
            $out.Count | Should -Be 0
            (Get-TestServerStats $Server).totalRequests | Should -Be 0
            $dir | Should -Not -Exist
            Join-Path $TestDrive 'whatif' | Should -Not -Exist
        }
    }

    Context 'Retries' {
        It 'retries a flaky URL and reports the attempts' {
            $dir = New-TestFolder 'flaky'
            $key = New-Key 'flaky'
            $url = "$($Base)flaky/$key/2/5000/flaky.bin"
            $output = @(Invoke-ThrottledDownload $url -Path $dir -RetryIntervalSec 0 -Verbose 4>&1)

            $results = @($output | Where-Object { $_ -is [ThrottledFetch.DownloadResult] })
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $results.Count | Should -Be 1
            $results[0].Status | Should -Be 'Completed'
            $results[0].Attempts | Should -Be 3
            $results[0].StatusCode | Should -Be 200
            Get-Sha256 $results[0].Path | Should -Be (Get-ExpectedSha256 5000)
            $retries = @($verbose | Where-Object Message -Match 'retr')
            $retries.Count | Should -Be 2
            $retries[0].Message | Should -Match ([regex]::Escape($url))
            @(Get-TestServerRequest $Server -Prefix "/flaky/$key/").Count | Should -Be 3
        }

        It 'tries a 404 once' {
            $dir = New-TestFolder 'once'
            Reset-TestServer $Server
            $result = Invoke-ThrottledDownload "$($Base)status/404" -Path $dir -RetryIntervalSec 0 -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs.Count | Should -Be 1
            $result.Status | Should -Be 'Failed'
            $result.Attempts | Should -Be 1
            @(Get-TestServerRequest $Server -Prefix '/status/404').Count | Should -Be 1
        }

        It 'honours Retry-After' {
            $dir = New-TestFolder 'retryafter'
            $key = New-Key 'ra'
            $result = Invoke-ThrottledDownload "$($Base)retry-after/$key/1/4000/ra.bin?seconds=1" -Path $dir -RetryIntervalSec 0
            $result.Status | Should -Be 'Completed'
            $result.Attempts | Should -Be 2
            (Get-Item -LiteralPath $result.Path).Length | Should -Be 4000

            $requests = @(Get-TestServerRequest $Server -Prefix "/retry-after/$key/")
            $requests.Count | Should -Be 2
            $gap = [DateTimeOffset]$requests[1].arrivedAt - [DateTimeOffset]$requests[0].arrivedAt
            $gap.TotalSeconds | Should -BeGreaterThan 0.9
        }
    }

    Context 'Timeouts' {
        It 'fails a stalled body with DownloadTimeout and leaves no .part' {
            $dir = New-TestFolder 'stall'
            # The server sends 30,000 of 100,000 bytes and then nothing, for minutes.
            $run = Invoke-WithDeadline -TimeoutSeconds 15 -Arguments "$($Base)stall/100000/stall.bin?after=30000", $dir -Script '
                param($Url, $Dir)
                Invoke-ThrottledDownload $Url -Path $Dir -OperationTimeoutSeconds 1 -MaximumRetryCount 0'

            $run.TimedOut | Should -BeFalse -Because 'a 1 s stall timeout must end the download'
            $run.Errors.Count | Should -Be 1
            $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'DownloadTimeout*'
            $run.Errors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $run.Errors[0].Exception.Message | Should -Match ([regex]::Escape("$($Base)stall/100000/stall.bin"))
            $run.Errors[0].TargetObject.Status | Should -Be 'Failed'
            @($run.Output).Count | Should -Be 1
            $run.Output[0].Status | Should -Be 'Failed'
            # Module import in the runspace is included; the stall itself is 1 s.
            $run.Elapsed.TotalSeconds | Should -BeGreaterThan 0.9
            $run.Elapsed.TotalSeconds | Should -BeLessThan 5
            @(Get-ChildItem -LiteralPath $dir -Force).Count | Should -Be 0
        }
    }

    Context '-Resume' {
        It 'continues a .part file with a Range request' {
            $dir = New-TestFolder 'resume'
            $size = 100000
            $expected = Get-ExpectedBytes $size 7
            $half = [byte[]]::new($size / 2)
            [System.Array]::Copy($expected, $half, $half.Length)
            $url = "$($Base)bytes/$size/resume.bin?seed=7"
            $part = Get-PartPath (Join-Path $dir 'resume.bin') $url
            [System.IO.File]::WriteAllBytes($part, $half)
            # What an interrupted -Resume run leaves beside it: what identifies the version.
            Set-Content -LiteralPath "$part.validator" -Value "if-range: `"s7-$size`"`nlength: $size" -NoNewline
            Reset-TestServer $Server

            $result = Invoke-ThrottledDownload $url -Path $dir -Resume

            $result.Status | Should -Be 'Completed'
            $result.Path | Should -Be (Join-Path $dir 'resume.bin')
            $requests = @(Get-TestServerRequest $Server -Prefix '/bytes/')
            $requests.Count | Should -Be 1
            $requests[0].headers.Range | Should -Be "bytes=$($size / 2)-"
            $result.StatusCode | Should -Be 206
            (Get-Item -LiteralPath $result.Path).Length | Should -Be $size
            Get-Sha256 $result.Path | Should -Be ([System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($expected)))
            $part | Should -Not -Exist
            "$part.validator" | Should -Not -Exist
        }
    }

    Context '-Resume after a killed process' {
        It 'never splices two versions of a file when the process was killed mid-body' {
            $dir = New-TestFolder 'killed'
            $key = New-Key 'kill'
            $size = 400000
            # /hold sends half the body, then waits: the child is killed there, with no chance to clean up.
            $url = "$($Base)hold/$key/$size/kill.bin?version=$key"
            $part = Get-PartPath (Join-Path $dir 'kill.bin') $url
            $executable = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
            $script = "Import-Module '$Manifest'; Invoke-ThrottledDownload '$url' -Path '$dir' -Resume"
            $arguments = @('-NoProfile', '-NonInteractive', '-Command', $script)
            $first = [Environment]::GetCommandLineArgs()[0]
            if ($first -like '*.dll') { $arguments = @($first) + $arguments }
            $child = Start-Process -FilePath $executable -ArgumentList $arguments -PassThru -NoNewWindow -RedirectStandardOutput (Join-Path $TestDrive "killed-out.txt") -RedirectStandardError (Join-Path $TestDrive "killed-err.txt")
            try {
                $wait = [System.Diagnostics.Stopwatch]::StartNew()
                while (-not ((Test-Path -LiteralPath $part) -and (Get-Item -LiteralPath $part).Length -ge $size / 2) -and $wait.Elapsed.TotalSeconds -lt 30) {
                    Start-Sleep -Milliseconds 50
                }
                (Get-Item -LiteralPath $part).Length | Should -BeGreaterOrEqual ($size / 2)
            }
            finally {
                $child.Kill($true)   # SIGKILL: no finally block, no Ctrl+C handler runs
                $null = $child.WaitForExit(10000)
            }

            "$part.validator" | Should -Exist -Because 'the validator is written before the first body byte'
            # The file changes on the server; the next run must not append version 2's tail to version 1's head.
            $null = Invoke-RestMethod "$($Base)_control/version/$key/2" -NoProxy
            Open-TestServerHold $Server $key
            Reset-TestServer $Server

            $result = Invoke-ThrottledDownload $url -Path $dir -Resume

            $result.Status | Should -Be 'Completed'
            $result.StatusCode | Should -Be 200 -Because 'If-Range no longer matches, so the server sends the whole new version'
            Get-Sha256 $result.Path | Should -Be (Get-ExpectedSha256 $size 2)
            $part | Should -Not -Exist
        }
    }

    Context 'Server-supplied names' {
        It 'keeps a hostile Content-Disposition name inside -Path' {
            $parent = New-TestFolder 'cd'
            $dir = New-TestFolder 'cd/inner'
            $result = Invoke-ThrottledDownload "$($Base)disposition/100?name=../../evil.txt" -Path $dir

            $result.Status | Should -Be 'Completed'
            $full = [System.IO.Path]::GetFullPath($result.Path)
            [System.IO.Path]::GetDirectoryName($full) | Should -Be $dir
            Split-Path -Leaf $full | Should -BeLike '*evil.txt'
            $full | Should -Exist
            Join-Path $TestDrive 'evil.txt' | Should -Not -Exist
            Join-Path $parent 'evil.txt' | Should -Not -Exist
        }
    }

    Context 'Headers and authentication' {
        It 'sends -Token as a bearer token and -Headers as given' {
            $dir = New-TestFolder 'auth'
            Reset-TestServer $Server
            $token = ConvertTo-SecureString 'x' -AsPlainText -Force
            $result = Invoke-ThrottledDownload "$($Base)bytes/100/auth.bin" -Path $dir -Token $token `
                -AllowUnencryptedAuthentication -Headers @{ 'X-Test' = '1' }

            $result.Status | Should -Be 'Completed'
            $requests = @(Get-TestServerRequest $Server -Prefix '/bytes/100/auth.bin')
            $requests.Count | Should -Be 1
            $requests[0].headers.Authorization | Should -BeExactly 'Bearer x'
            $requests[0].headers.'X-Test' | Should -BeExactly '1'
        }

        It 'refuses -Token over http without -AllowUnencryptedAuthentication' {
            $dir = New-TestFolder 'noauth'
            Reset-TestServer $Server
            $token = ConvertTo-SecureString 'x' -AsPlainText -Force
            $result = Invoke-ThrottledDownload "$($Base)bytes/100/noauth.bin" -Path $dir -Token $token `
                -ErrorVariable errs -ErrorAction SilentlyContinue

            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'DownloadUnencryptedAuthentication*'
            $result.Status | Should -Be 'Failed'
            Join-Path $dir 'noauth.bin' | Should -Not -Exist
            (Get-TestServerStats $Server).totalRequests | Should -Be 0
        }
    }

    Context 'Formatting' {
        It 'shows a table with the status and the file name' {
            $dir = New-TestFolder 'format'
            $text = Invoke-ThrottledDownload "$($Base)bytes/1234/formatted.bin" -Path $dir | Format-Table | Out-String -Width 300
            $text | Should -Match '\bStatus\b'
            $text | Should -Match 'Completed'
            $text | Should -Match 'formatted\.bin'
        }

        It 'shows every result property in Format-List and keeps the table as the default view' {
            $dir = New-TestFolder 'format-list'
            $result = Invoke-ThrottledDownload "$($Base)bytes/1234/listed.bin" -Path $dir

            # Without a list view Format-List would show the same properties by reflection: check the view is there.
            $views = (Get-FormatData -TypeName ThrottledFetch.DownloadResult).FormatViewDefinition
            $views | ForEach-Object { $_.Control.GetType().Name } | Should -Be @('TableControl', 'ListControl')

            $list = $result | Format-List | Out-String -Width 300
            $labels = [regex]::Matches($list, '(?m)^(\w+)\s+:') | ForEach-Object { $_.Groups[1].Value }
            $labels | Should -Be @('Input', 'Uri', 'Path', 'Status', 'StatusCode', 'Length', 'Attempts', 'Duration', 'Error')
            # The list gives the exact byte count, where the table rounds it.
            $list | Should -Match '(?m)^Length\s+: 1234\s*$'
            $list | Should -Match '(?m)^Status\s+: Completed\s*$'

            # Out-Default (no Format-* cmdlet) takes the first view: the table and its columns.
            $default = $result | Out-String -Width 300
            $default | Should -Match '(?m)^Status\s+Code\s+Size\s+Time\s+Name\s+Uri\s*$'
            $default | Should -Match 'listed\.bin'
        }
    }

    Context 'Stopping (Ctrl+C)' {
        It 'stops within 2 s and leaves no .part or final file' {
            $dir = New-TestFolder 'stop'
            $key = New-Key 'stop'
            $url = "$($Base)hold/$key/200000/held.bin"
            $part = Get-PartPath (Join-Path $dir 'held.bin') $url
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript('param($Manifest, $Url, $Dir) Import-Module $Manifest; Invoke-ThrottledDownload $Url -Path $Dir')
                $null = $ps.AddArgument($Manifest).AddArgument($url).AddArgument($dir)
                $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $in.Complete()
                $out = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $async = $ps.BeginInvoke($in, $out)

                $wait = [System.Diagnostics.Stopwatch]::StartNew()
                while (-not (Test-Path -LiteralPath $part) -and $wait.Elapsed.TotalSeconds -lt 10 -and -not $async.IsCompleted) {
                    Start-Sleep -Milliseconds 50
                }
                $part | Should -Exist -Because 'the held download should have started writing its .part file'

                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $stopped = $ps.BeginStop($null, $null).AsyncWaitHandle.WaitOne(2000)
                $clock.Stop()
                if (-not $stopped) {
                    # Let the held body finish so the runspace ends, then fail.
                    Open-TestServerHold $Server $key
                    $null = $async.AsyncWaitHandle.WaitOne(5000)
                }

                $stopped | Should -BeTrue -Because "Stop() must return within 2 s (took $($clock.Elapsed.TotalSeconds) s)"
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $out.Count | Should -Be 0 -Because 'no result is written for a stopped download'
                $part | Should -Not -Exist
                Join-Path $dir 'held.bin' | Should -Not -Exist
            }
            finally {
                Open-TestServerHold $Server $key
                $ps.Dispose()
            }
        }
    }
}
