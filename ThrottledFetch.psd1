@{
    RootModule           = 'ThrottledFetch.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b6f5c1e-2f0b-4c8e-9a57-7d2f1d3c9e41'
    Author               = 'ThrottledFetch contributors'
    CompanyName          = 'ThrottledFetch'
    Copyright            = '(c) ThrottledFetch contributors. MIT License.'
    Description          = 'Downloads many URLs and makes bulk API calls with an exact cap on requests in flight (overall, per host, per second), retries with backoff and Retry-After, progress, and one result (a file, or the parsed answer) per item as it finishes.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess     = @('ThrottledFetch.Format.ps1xml')
    CmdletsToExport      = @('Invoke-ThrottledDownload', 'Invoke-ThrottledRequest', 'New-ThrottledSession', 'Close-ThrottledSession')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('download', 'http', 'rest', 'api', 'throttle', 'parallel', 'retry', 'PSEdition_Core', 'PSEdition_Desktop')
            # Placeholders: a publisher replaces these with the real license and project pages before
            # Publish-PSResource (which refuses empty values; these parse as URIs and lead nowhere).
            LicenseUri   = 'https://example.invalid/ThrottledFetch/LICENSE'
            ProjectUri   = 'https://example.invalid/ThrottledFetch'
            ReleaseNotes = 'First release: Invoke-ThrottledDownload.'
        }
    }
}
