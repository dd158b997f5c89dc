using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Rpc;

namespace StellaOps.Ops.IntegrationTests;

/// <summary>
/// Requests a hostile or careless client sends, by real second users on the real socket: arguments that the
/// contract says cannot be null, arguments the JSON-RPC layer cannot even bind, and a batch whose audit
/// description used to throw. Each gets a typed error naming what is wrong; nothing internal crosses the pipe;
/// every mutating attempt leaves its audit record.
/// </summary>
public sealed class HostileRequestTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private DaemonProcess _daemon = null!;
    private ProbeClient _probe = null!;

    public async Task InitializeAsync() => (_daemon, _probe) = await MultiUserDaemon.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task A_null_subject_in_a_batch_is_refused_before_the_call_and_audited_for_operators_and_readers()
    {
        const string request = """{"jsonrpc":"2.0","id":1,"method":"attest.CreateAsync","params":[[{"type":"test","subjects":[null]}],null]}""";
        var asOperator = Error(await RawAsUser(UnixAccounts.Operator, request));
        Assert.Equal("InvalidArgument", asOperator.Code);
        Assert.Contains("requests[0].subjects[0] must not be null", asOperator.Message);
        var asReader = Error(await RawAsUser(UnixAccounts.Reader, request));
        Assert.Equal("PermissionDenied", asReader.Code);

        await using var admin = await _daemon.ConnectAsync();
        Assert.Empty(await admin.Attest.ListAsync(new AttestationQuery(), None));
        var audit = await admin.Log.QueryAsync(new LogQuery { Component = "Audit", Filter = "attest.CreateAsync" }, None);
        Assert.Contains(audit, e => e.Message.Contains($"by {UnixAccounts.Operator}", StringComparison.Ordinal)
                                    && e.Message.Contains("failed", StringComparison.Ordinal)
                                    && e.Message.Contains("requests[0].subjects[0] must not be null", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Message.Contains($"by {UnixAccounts.Reader}", StringComparison.Ordinal)
                                    && e.Message.Contains("permission denied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Arguments_that_cannot_be_bound_get_a_plain_error_and_nothing_internal_for_readers_and_strangers()
    {
        var requests = new[]
        {
            """{"jsonrpc":"2.0","id":1,"method":"config.SetAsync","params":[{"a":1},[2,3]]}""",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"config.GetAsync\",\"params\":[\"\xff\xfe not utf-8\"]}",
            """{"jsonrpc":"2.0","id":3,"method":"system.WaitAsync","params":["not a duration",null]}""",
            """{"jsonrpc":"2.0","id":4,"method":"keys.TestAsync","params":["abc","NotAnOperation"]}""",
            """{"jsonrpc":"2.0","id":5,"method":"log.QueryAsync","params":[{"max":"many"}]}""",
            """{"jsonrpc":"2.0","id":6,"method":"system.Nope","params":[]}""",
        };
        foreach (var (user, code) in new[] { (UnixAccounts.Reader, "InvalidArgument"), (UnixAccounts.Stranger, "Unauthorized") })
        {
            // A stranger is answered once and then hung up on: one request per connection.
            var replies = user == UnixAccounts.Stranger
                ? await Task.WhenAll(requests.Select(r => RawAsUser(user, r)))
                : [await RawAsUser(user, requests)];
            var all = replies.SelectMany(r => r).ToArray();
            Assert.Equal(requests.Length, all.Length);
            for (var i = 0; i < all.Length; i++)
            {
                var reply = all[i].GetProperty("reply").GetString()!;
                AssertNothingInternal(reply);
                var expected = user == UnixAccounts.Reader && i == requests.Length - 1 ? null : code; // an unknown method stays "method not found"
                if (expected is not null) Assert.Equal(expected, Error(reply).Code);
            }
            if (user == UnixAccounts.Reader)
            {
                Assert.Contains("config.SetAsync was sent arguments it cannot read", all[0].GetProperty("reply").GetString());
                Assert.Contains("It takes: name (String), value (String)", all[0].GetProperty("reply").GetString());
            }
        }
    }

    [Fact]
    public async Task Every_contract_method_refuses_a_null_where_its_contract_allows_none_and_never_answers_internal_error()
    {
        using var socket = await RawFrames.ConnectAsync(_daemon.Endpoint);
        var id = 0;
        var checkedNulls = 0;
        foreach (var contract in RpcContracts.All)
        {
            foreach (var method in contract.Interface.GetMethods())
            {
                var rpc = contract.Prefix + method.Name;
                var parameters = method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();

                // The method with harmless arguments: whatever it answers, it is never an internal error.
                var plain = await CallAsync(socket, ++id, rpc, parameters.Select(p => Sample(p.ParameterType)).ToArray());
                Assert.False(IsInternal(plain), $"{rpc} with plain arguments answered an internal error: {plain}");

                // Each place the contract declares non-nullable, one call with a null there.
                for (var i = 0; i < parameters.Length; i++)
                {
                    foreach (var (path, value) in NullCases(parameters[i].Name!, new NullabilityInfoContext().Create(parameters[i])))
                    {
                        var args = parameters.Select(p => Sample(p.ParameterType)).ToArray();
                        args[i] = value;
                        var reply = await CallAsync(socket, ++id, rpc, args);
                        var error = Error(reply);
                        Assert.True(error.Code == "InvalidArgument" && error.Message.Contains($"{rpc}: {path} must not be null", StringComparison.Ordinal),
                            $"{rpc} with {path} = null: expected an InvalidArgument naming {path}, got {reply}");
                        checkedNulls++;
                    }
                }
            }
        }
        Assert.True(checkedNulls > 30, $"the walk should check the null places of every contract ({checkedNulls} checked)");
        await using var admin = await _daemon.ConnectAsync();
        Assert.False(_daemon.HasExited);
    }

    /// <summary>
    /// Every place under a parameter where the contract says non-null (the parameter, list elements, map values, DTO
    /// properties, nested), each with the argument that puts a null exactly there.
    /// </summary>
    private static IEnumerable<(string Path, JsonNode? Value)> NullCases(string path, NullabilityInfo info, int depth = 0)
    {
        var t = info.Type;
        if (t.IsValueType || t == typeof(string) && info.ReadState != NullabilityState.NotNull || depth > 3) yield break;
        if (info.ReadState == NullabilityState.NotNull) yield return (path, null);
        if (t == typeof(string) || t == typeof(byte[])) yield break;
        var collection = typeof(System.Collections.IEnumerable).IsAssignableFrom(t);
        if (t.IsArray || collection && info.GenericTypeArguments.Length == 1)
        {
            foreach (var (p, v) in NullCases(path + "[0]", t.IsArray ? info.ElementType! : info.GenericTypeArguments[0], depth + 1))
                yield return (p, new JsonArray(v));
        }
        else if (collection && info.GenericTypeArguments.Length == 2)
        {
            foreach (var (p, v) in NullCases(path + "[\"k\"]", info.GenericTypeArguments[1], depth + 1))
                yield return (p, new JsonObject { ["k"] = v });
        }
        else if (t.IsClass && !collection && t.Assembly == typeof(Protocol).Assembly)
        {
            foreach (var property in t.GetProperties().Where(p => p.SetMethod is not null))
            {
                var json = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                foreach (var (p, v) in NullCases($"{path}.{json}", new NullabilityInfoContext().Create(property), depth + 1))
                    yield return (p, new JsonObject { [json] = v });
            }
        }
    }

    /// <summary>A harmless value of a parameter's type: an empty string, list or object, or the default of a value type.</summary>
    private static JsonNode? Sample(Type t)
    {
        if (t == typeof(string)) return "";
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IProgress<>)) return null;
        if (t.IsArray) return new JsonArray();
        if (Nullable.GetUnderlyingType(t) is not null) return null;
        if (t.IsValueType) return JsonNode.Parse(JsonSerializer.Serialize(Activator.CreateInstance(t), t, RpcJson.Options));
        return new JsonObject();
    }

    private static async Task<string> CallAsync(Socket socket, int id, string method, JsonNode?[] args)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = new JsonArray(args.Select(a => a?.DeepClone()).ToArray()) };
        var reply = await RawFrames.CallAsync(socket, request.ToJsonString());
        AssertNothingInternal(reply);
        return reply;
    }

    private static bool IsInternal(string reply) => reply.Contains("\"error\"", StringComparison.Ordinal) && Error(reply).Code == "Internal";

    private static void AssertNothingInternal(string reply)
    {
        Assert.DoesNotContain("   at ", reply);
        Assert.DoesNotContain("stack", reply, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("System.", reply);
        Assert.DoesNotContain("StreamJsonRpc", reply);
        Assert.DoesNotContain("Exception", reply);
    }

    private static (string Code, string Message) Error(string reply)
    {
        using var doc = JsonDocument.Parse(reply);
        if (!doc.RootElement.TryGetProperty("error", out var e)) return ("", "");
        var code = e.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("code", out var c) ? c.GetString()! : e.GetProperty("code").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (code, e.GetProperty("message").GetString()!);
    }

    private static (string Code, string Message) Error(JsonElement[] replies) => Error(Assert.Single(replies).GetProperty("reply").GetString()!);

    /// <summary>Sends the requests as <paramref name="user"/> on one connection (bytes as given: invalid UTF-8 stays invalid).</summary>
    private async Task<JsonElement[]> RawAsUser(string user, params string[] requests)
    {
        var file = Path.Combine(_daemon.Root, $"requests-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllBytesAsync(file, [.. requests.SelectMany(r => Latin1OrUtf8(r).Append((byte)'\n'))]);
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));
        return await ProbeProcess.RunAsync(user, _probe.Dll, _daemon.Endpoint, "raw", file);
    }

    /// <summary>Characters up to U+00FF as single bytes (so "\xff" is the invalid byte 0xFF), the rest as UTF-8.</summary>
    private static byte[] Latin1OrUtf8(string s) => s.All(c => c <= 0xFF) ? Encoding.Latin1.GetBytes(s) : Encoding.UTF8.GetBytes(s);
}
