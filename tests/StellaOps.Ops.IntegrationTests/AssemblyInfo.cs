// The integration tests drive the Linux daemon over a Unix socket with real peer credentials and signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
// Each test class starts its own daemon; two at once is all 2 cores take without turning timing into noise.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
