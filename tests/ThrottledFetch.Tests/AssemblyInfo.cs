using Xunit;

// One PowerShell engine per class, and Stop() timing is asserted: run classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
