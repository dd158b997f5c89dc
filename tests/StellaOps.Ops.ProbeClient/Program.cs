using System.Text.Json;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Client;
using StellaOps.Ops.Contracts.Rpc;

// probe <endpoint> handshake | get <name> | set <name> <value> | sign <digest> | hsm-test <operation> | hsm-reconnect
//   | anchor-add <root|intermediate|key> <pem file> | anchor-list | issuer-approve <issuer-id> <reason>
// Prints one JSON line {ok, role, user, value, code, message}; exit 0 on success, 3 on a daemon error.
// probe fake-server <socket path>: a hijacker's listener on the daemon's path. Prints "listening", accepts one
// connection, then one JSON line {received, text} with what the client sent before it hung up or paused.
// probe <endpoint> raw <file> | hold <count> <mode> <seconds> | flood <seconds> <keep-ms>: see HostileClient.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: probe <endpoint> handshake | get <name> | set <name> <value> | sign <digest> | hsm-test <operation> | hsm-reconnect | raw <file> | hold <count> <mode> <seconds> | flood <seconds> <keep-ms>  |  probe fake-server <socket path>");
    return 2;
}
if (args[0] == "fake-server" && !OperatingSystem.IsWindows()) return await FakeServer.RunAsync(args[1]);
var endpoint = args[0];
if (StellaOps.Ops.ProbeClient.HostileClient.Handles(args[1])) return await StellaOps.Ops.ProbeClient.HostileClient.RunAsync(endpoint, args[1], args[2..]);
try
{
    await using var client = await OpsClient.ConnectAsync(endpoint, "probe", "1", TimeSpan.FromSeconds(10), CancellationToken.None);
    string? value = null;
    switch (args[1])
    {
        case "handshake": break;
        case "get": value = (await client.Config.GetAsync(args[2], CancellationToken.None))[0].Value; break;
        case "set": value = (await client.Config.SetAsync(args[2], args[3], CancellationToken.None)).Value; break;
        case "sign": value = Convert.ToBase64String((await client.Signing.SignAsync([new SignRequest { Digest = args[2] }], CancellationToken.None))[0].Signature ?? []); break;
        // "<Success>|<error code>|<Message>|<next step>" of each result, one per line.
        case "hsm-test":
            value = string.Join("\n", (await client.Hsm.TestAsync(Enum.Parse<HsmTestOperation>(args[2], ignoreCase: true), CancellationToken.None))
                .Select(r => $"{r.Success}|{r.Error?.Code}|{r.Message}|{r.Error?.RecommendedAction}"));
            break;
        // "<Verified>|<Source>|<Failure>" of each verification of the newest n stored attestations, one per line.
        case "verify-last":
            value = string.Join("\n", (await client.Verify.VerifyAsync(new VerificationRequest { Last = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) }, CancellationToken.None))
                .Select(r => $"{r.Verified}|{r.Source}|{r.Failure}"));
            break;
        case "hsm-reconnect": value = (await client.Hsm.ResetAsync(false, CancellationToken.None)).State.ToString(); break;
        // Trust: "<id>|<created>" of the anchor added from a PEM file; the ids listed; the issuer's status after an approval.
        case "anchor-add":
            var anchor = await client.TrustAnchors.AddAsync(new TrustAnchorRequest { Kind = Enum.Parse<TrustAnchorKind>(args[2], ignoreCase: true), Pem = File.ReadAllText(args[3]) }, CancellationToken.None);
            value = $"{anchor.Id}|{anchor.Created}";
            break;
        case "anchor-list": value = string.Join("\n", (await client.TrustAnchors.ListAsync(new TrustAnchorQuery(), CancellationToken.None)).Select(a => a.Id)); break;
        case "issuer-approve": value = (await client.Issuers.ApproveAsync(args[2], args[3], CancellationToken.None)).Status.ToString(); break;
        default: Console.Error.WriteLine($"unknown command {args[1]}"); return 2;
    }
    Print(new { ok = true, role = client.Handshake.Caller.Role.ToString(), user = client.Handshake.Caller.UserName, value });
    return 0;
}
catch (Exception ex)
{
    var e = OpsClient.Translate(ex, endpoint);
    Print(new { ok = false, code = e is OpsException o ? o.Code.ToString() : e.GetType().Name, message = e.Message });
    return 3;
}

static void Print(object o) => Console.WriteLine(JsonSerializer.Serialize(o));
