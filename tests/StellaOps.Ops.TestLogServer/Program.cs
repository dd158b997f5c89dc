using System.Globalization;
using StellaOps.Ops.TestLogServer;

// stella-testlog --api 1|2 [--port N] [--info-file path] [--checkpoint-interval-ms N]: runs one test log (and TSA) on
// 127.0.0.1 until stdin closes or SIGTERM; writes its /_test/info JSON to --info-file (or stdout) once it listens. v2
// integrates pending entries and publishes a checkpoint every --checkpoint-interval-ms (default 50; 0: at once).
var api = 1;
var port = 0;
string? infoFile = null;
TimeSpan? checkpointInterval = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--api": api = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--port": port = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--info-file": infoFile = args[++i]; break;
        case "--checkpoint-interval-ms": checkpointInterval = TimeSpan.FromMilliseconds(int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}; usage: stella-testlog --api 1|2 [--port N] [--info-file path] [--checkpoint-interval-ms N]"); return 2;
    }
}
await using var server = await TestLogServer.StartAsync(api, port, checkpointInterval: checkpointInterval);
using var http = new HttpClient();
var info = await http.GetStringAsync(new Uri(server.BaseUrl, "_test/info"));
if (infoFile is null) Console.WriteLine(info);
else
{
    File.WriteAllText(infoFile + ".tmp", info);
    File.Move(infoFile + ".tmp", infoFile, overwrite: true);
}
var stop = new TaskCompletionSource();
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
await stop.Task;
return 0;
