# Loads the compiled cmdlets built for this edition: net8.0 on PowerShell 7.4+, netstandard2.0 on Windows PowerShell 5.1.
$framework = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'netstandard2.0' }
$binary = [System.IO.Path]::Combine($PSScriptRoot, 'bin', $framework, 'ThrottledFetch.dll')
Import-Module -Name $binary -ErrorAction Stop
