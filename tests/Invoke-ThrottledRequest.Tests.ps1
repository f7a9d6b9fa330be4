# Pester 5: Invoke-ThrottledRequest as a user drives it in real pwsh, against the loopback test server.
# Needs `dotnet build ThrottledFetch.sln -c Release` first (the module at output/ThrottledFetch and the
# test server at tests/TestServer/bin/Release). Every request goes to 127.0.0.1.

BeforeAll {
    $script:Repo = Split-Path -Parent $PSScriptRoot
    $script:Manifest = Join-Path $Repo 'output/ThrottledFetch/ThrottledFetch.psd1'
    . (Join-Path $PSScriptRoot 'Pester/TestServer.ps1')

    Import-Module $Manifest -Force -ErrorAction Stop
    $script:Server = Start-TestServer -RepoRoot $Repo
    $script:Base = $Server.BaseUrl
}

AfterAll {
    Stop-TestServer $script:Server
}

Describe 'Invoke-ThrottledRequest' {

    BeforeEach {
        Reset-TestServer $Server
    }

    Context 'Discovery and help' {
        It 'is a cmdlet exported by the ThrottledFetch module' {
            $command = Get-Command Invoke-ThrottledRequest -ErrorAction Stop
            $command.CommandType | Should -Be 'Cmdlet'
            $command.ModuleName | Should -Be 'ThrottledFetch'
            (Get-Module ThrottledFetch).ExportedCmdlets.Keys | Should -Contain 'Invoke-ThrottledRequest'
        }

        It 'has help with a synopsis and at least three examples' {
            $help = Get-Help Invoke-ThrottledRequest -Full
            $help.Synopsis | Should -Not -Match '^\s*Invoke-ThrottledRequest\s+\['
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
            ($help.Examples.Example.Code -join "`n") | Should -Match 'Invoke-ThrottledRequest'
            ((Get-Help Invoke-ThrottledRequest -Parameter RetryNonIdempotent).Description.Text -join ' ') | Should -Match 'POST'
        }

        It 'completes the standard methods and still sends any other' {
            $line = 'Invoke-ThrottledRequest -Method P'
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $completions | Should -Be @('POST', 'PUT', 'PATCH')

            $answer = Invoke-ThrottledRequest "$($Base)echo/custom" -Method PROPFIND
            $answer.method | Should -BeExactly 'PROPFIND'
        }
    }

    Context 'Answers as objects' {
        It 'turns JSON into objects whose numbers are numbers' {
            $answer = Invoke-ThrottledRequest "$($Base)json/object"
            $answer.id | Should -BeOfType [long]
            $answer.ratio | Should -BeOfType [double]
            $answer.id + 1 | Should -Be 8
            $answer.nested.ok | Should -BeTrue
        }

        It 'writes a top-level JSON array one element at a time' {
            $ids = Invoke-ThrottledRequest "$($Base)json/array" | ForEach-Object { $_.id }
            $ids | Should -Be @(1, 2, 3)
            @(Invoke-ThrottledRequest "$($Base)json/array" | Where-Object name -eq 'two').Count | Should -Be 1
        }

        It 'turns XML into an XmlDocument and other text into a string' {
            $xml = Invoke-ThrottledRequest "$($Base)xml"
            $xml | Should -BeOfType [xml]
            $xml.catalog.book[1].title | Should -Be 'Second'
            Invoke-ThrottledRequest "$($Base)text" | Should -BeExactly 'café au lait'
        }

        It 'asks for compressed answers and decodes gzip and brotli' {
            (Invoke-ThrottledRequest "$($Base)json/object?coding=gzip").name | Should -Be 'alpha'
            (Invoke-ThrottledRequest "$($Base)json/object?coding=br").name | Should -Be 'alpha'
            $sent = @(Get-TestServerRequest $Server -Prefix '/json/')
            $sent.Count | Should -Be 2
            $sent | ForEach-Object { $_.headers.'Accept-Encoding' | Should -Be 'gzip, deflate, br' }
        }
    }

    Context 'Bodies' {
        It 'posts the rows of a CSV file with their own method and body' {
            $csv = Join-Path $TestDrive 'calls.csv'
            @(
                [pscustomobject]@{ Uri = "$($Base)echo/one"; Method = 'Post'; Body = '{"n":1}' }
                [pscustomobject]@{ Uri = "$($Base)echo/two"; Method = 'Put'; Body = 'plain ünïcode' }
                [pscustomobject]@{ Uri = "$($Base)echo/three"; Method = ''; Body = '' }
            ) | Export-Csv -LiteralPath $csv -NoTypeInformation

            $answers = Import-Csv -LiteralPath $csv | Invoke-ThrottledRequest -Limit 1
            $byPath = @{}
            $answers | ForEach-Object { $byPath[$_.path] = $_ }
            $byPath['/echo/one'].method | Should -Be 'POST'
            $byPath['/echo/one'].body | Should -BeExactly '{"n":1}'
            $byPath['/echo/two'].method | Should -Be 'PUT'
            $byPath['/echo/two'].body | Should -BeExactly 'plain ünïcode'
            # Blank cells: a GET without a body.
            $byPath['/echo/three'].method | Should -Be 'GET'
            $byPath['/echo/three'].bodyLength | Should -Be 0
            $byPath['/echo/three'].contentType | Should -BeNullOrEmpty
        }

        It 'sends a hashtable as a form, and as the query of a GET' {
            (Invoke-ThrottledRequest "$($Base)echo/form" -Method Post -Body @{ q = 'a b' }).body | Should -BeExactly 'q=a+b'
            (Invoke-ThrottledRequest "$($Base)echo/query" -Body @{ q = 'a b' }).query | Should -BeExactly '?q=a+b'
        }
    }

    Context 'Errors' {
        It 'writes only an error for a failed call, naming the URL and status, with the body in ErrorDetails' {
            $url = "$($Base)status/404?body=no+such+user"
            $answers = Invoke-ThrottledRequest $url -ErrorVariable failed -ErrorAction SilentlyContinue
            $answers | Should -BeNullOrEmpty
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'RequestHttpStatus,*'
            $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failed[0].Exception.Message | Should -BeLike "*$url*404*"
            $failed[0].Exception | Should -BeOfType ([ThrottledFetch.RequestException])
            $failed[0].Exception | Should -BeOfType ([ThrottledFetch.ThrottledFetchException])
            $failed[0].Exception.StatusCode | Should -Be 404
            $failed[0].ErrorDetails.Message | Should -Match 'no such user'
            $failed[0].TargetObject.StatusCode | Should -Be 404
        }

        It 'stops the batch with -ErrorAction Stop' {
            { Invoke-ThrottledRequest "$($Base)status/500" -MaximumRetryCount 0 -ErrorAction Stop } | Should -Throw -ErrorId 'RequestHttpStatus,*'
        }

        It 'does not repeat a POST that may have reached the server, and repeats one the server refused' {
            $null = Invoke-ThrottledRequest "$($Base)api-flaky/p1/1" -Method Post -RetryIntervalSec 0 -ErrorAction SilentlyContinue
            (Get-TestServerStats $Server).totalRequests | Should -Be 1

            Reset-TestServer $Server
            $answer = Invoke-ThrottledRequest "$($Base)api-flaky/p2/1?retryAfter=0" -Method Post -RetryIntervalSec 0
            $answer.attempt | Should -Be 2
        }
    }

    Context 'Limits' {
        It 'keeps exactly -Limit calls in flight as the server sees them' {
            $answers = 1..20 | ForEach-Object { "$($Base)echo/peak$_`?delay=100" } | Invoke-ThrottledRequest -Limit 4
            @($answers).Count | Should -Be 20
            (Get-TestServerStats $Server).peakInFlight | Should -Be 4
        }
    }

    Context 'Response objects and formatting' {
        It 'joins each answer to the object it came from' {
            $results = 1..5 | ForEach-Object { [pscustomobject]@{ Uri = "$($Base)echo/u$_"; Id = $_ } } |
                Invoke-ThrottledRequest -AsResponseObject -Limit 3
            @($results).Count | Should -Be 5
            $results | ForEach-Object { $_.Content.path | Should -Be "/echo/u$($_.InputObject.Id)" }
            $results | ForEach-Object { $_ | Should -BeOfType ([ThrottledFetch.RequestResult]) }
        }

        It 'shows a table by default and every property in Format-List' {
            $result = Invoke-ThrottledRequest "$($Base)json/object" -AsResponseObject
            $views = (Get-FormatData -TypeName ThrottledFetch.RequestResult).FormatViewDefinition
            $views | ForEach-Object { $_.Control.GetType().Name } | Should -Be @('TableControl', 'ListControl')

            $default = $result | Out-String -Width 300
            $default | Should -Match '(?m)^Status\s+Code\s+Method\s+Size\s+Time\s+Uri\s*$'
            $default | Should -Match 'Completed\s+200\s+GET'

            $list = $result | Format-List | Out-String -Width 300
            $labels = [regex]::Matches($list, '(?m)^(\w+)\s+:') | ForEach-Object { $_.Groups[1].Value }
            $labels | Should -Be @('Input', 'InputObject', 'Method', 'Uri', 'FinalUri', 'Status', 'StatusCode', 'ContentType', 'Headers', 'Length', 'ContentText', 'Content', 'Attempts', 'Duration', 'Error')
        }
    }
}
