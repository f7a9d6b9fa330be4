# Loads the compiled cmdlets built for this runtime: net10.0 on PowerShell 7.6+ (.NET 10), net8.0 on PowerShell
# 7.4 and 7.5, netstandard2.0 on Windows PowerShell 5.1. On linux-x64, net10.0-linux-x64 holds the same
# assemblies with ReadyToRun code (less JIT at start-up); a runtime refuses such an image on any other OS or
# architecture, so it is chosen by the runtime's own identifier.
# THROTTLEDFETCH_FRAMEWORK=net8.0 or netstandard2.0 loads that build on PowerShell 7 (CI runs both so, the
# 5.1 build through its own private load context, so every build's code paths run on every change).
$framework = if ($PSEdition -ne 'Core') { 'netstandard2.0' }
elseif ($env:THROTTLEDFETCH_FRAMEWORK -in 'net8.0', 'netstandard2.0') { $env:THROTTLEDFETCH_FRAMEWORK }
elseif ([Environment]::Version.Major -lt 10) { 'net8.0' }
elseif ([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier -eq 'linux-x64' -and
    [System.IO.Directory]::Exists([System.IO.Path]::Combine($PSScriptRoot, 'bin', 'net10.0-linux-x64'))) { 'net10.0-linux-x64' }
else { 'net10.0' }
$binary = [System.IO.Path]::Combine($PSScriptRoot, 'bin', $framework, 'ThrottledFetch.dll')

# Before PowerShell looks for the cmdlets (which loads the engine their base class names), route the
# engine and its dependencies to the module's private load context (PowerShell 7) or hook their
# resolution (5.1). Reflection, not a type literal: the type exists only once the assembly is loaded.
$assembly = [System.Reflection.Assembly]::LoadFrom($binary)
$null = $assembly.GetType('ThrottledFetch.ModuleInitializer', $true).GetMethod('Register').Invoke($null, $null)
Import-Module -Name $binary -ErrorAction Stop
