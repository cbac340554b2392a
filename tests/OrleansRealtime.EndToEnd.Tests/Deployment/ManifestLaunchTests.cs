using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRealtime.Testing;
using Xunit.Abstractions;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// The production overlay's silo and gateway, launched as local processes with exactly the manifests' environment,
/// arguments and ports (see <see cref="LocalPod"/> for the only substitutions: pod IP and container ports become
/// loopback and free ports). A real <c>redis-server</c> on loopback stands in for the <c>redis</c> Service: the one
/// secret that names it (<c>ConnectionStrings__Redis=redis:6379</c>) is pointed at that server. The pods must pass
/// their probes, and what the downward API and the Secret feed in must take effect.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ManifestLaunchTests(ITestOutputHelper output)
{
    private const string Overlay = "production";
    private const string RedisConnectionStringKey = "ConnectionStrings__Redis";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TheProductionSiloAndGatewayStartFromTheManifestsAndPassTheirProbes()
    {
        var manifests = DeploymentManifests.Render(Overlay);
        await using var redis = await RedisServer.StartAsync();
        var secrets = StandInSecrets(manifests, redis);
        LocalPod? silo = null;
        LocalPod? gateway = null;
        try
        {
            silo = LocalPod.Start(manifests, "silo", secrets);
            await silo.WaitForProbesAsync();
            gateway = LocalPod.Start(manifests, "gateway", secrets);
            await gateway.WaitForProbesAsync();

            await TheGatewayIsNamedAfterItsPodAndAcceptsTokensSignedWithTheDeployedSecret(gateway, secrets);
            await TheSiloJoinedUnderItsPodNameAtThePodIp(gateway, silo, secrets);
            await TheAutoscalersPodMetricsAreScrapedFromTheAnnotatedPort(manifests, gateway);
        }
        finally
        {
            foreach (var pod in new[] { gateway, silo })
            {
                if (pod is null)
                    continue;
                output.WriteLine(pod.Process.DescribeOutput());
                pod.Dispose();
            }
        }
    }

    private static async Task TheGatewayIsNamedAfterItsPodAndAcceptsTokensSignedWithTheDeployedSecret(
        LocalPod gateway, IReadOnlyDictionary<(string Secret, string Key), string> secrets)
    {
        var secret = secrets.Single(s => s.Key.Key == "Realtime__Auth__JwtSecret").Value;
        var token = TestJwt.Hs256(secret, "operator", TimeSpan.FromMinutes(10));
        var uri = new Uri($"ws://127.0.0.1:{gateway.LocalPort("http")}/ws?access_token={token}");
        await using var client = await RealtimeTestClient.ConnectAsync(uri, Timeout);

        client.UserId.Should().Be("operator", "anonymous access is off: the user is the token's subject");
        client.Welcome.GetProperty("gateway").GetString().Should().Be(gateway.PodName, "Realtime__GatewayId comes from the pod name");
    }

    private static async Task TheSiloJoinedUnderItsPodNameAtThePodIp(
        LocalPod gateway, LocalPod silo, IReadOnlyDictionary<(string Secret, string Key), string> secrets)
    {
        var cluster = gateway.LocalUri("http", "/api/cluster");
        using (var anonymous = await gateway.Http.GetAsync(cluster))
            anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the admin API needs the deployed key");

        using var request = new HttpRequestMessage(HttpMethod.Get, cluster);
        request.Headers.Add("X-API-Key", secrets.Single(s => s.Key.Key == "Realtime__Admin__ApiKey").Value);
        using var response = await gateway.Http.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var silos = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("silos").EnumerateArray().ToList();

        silos.Should().ContainSingle(s => s.GetProperty("name").GetString() == silo.PodName, "Orleans__SiloName comes from the pod name");
        var joined = silos.Single(s => s.GetProperty("name").GetString() == silo.PodName);
        joined.GetProperty("status").GetString().Should().Be("Active");
        joined.GetProperty("address").GetString().Should().Contain($"127.0.0.1:{silo.LocalPort("silo")}", "Orleans__AdvertisedIP comes from the pod IP");
    }

    private static async Task TheAutoscalersPodMetricsAreScrapedFromTheAnnotatedPort(DeploymentManifests manifests, LocalPod gateway)
    {
        var annotations = gateway.Container.Workload["spec"]!["template"]!["metadata"]!["annotations"]!;
        var scrape = gateway.LocalUri(annotations["prometheus.io/port"]!.GetValue<string>(), annotations["prometheus.io/path"]!.GetValue<string>());
        var metrics = manifests.OfKind("HorizontalPodAutoscaler")
            .Where(h => h["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>() == DeploymentManifests.Name(gateway.Container.Workload))
            .SelectMany(h => Kustomization.Items(h["spec"]!["metrics"]))
            .Where(m => m["type"]!.GetValue<string>() == "Pods")
            .Select(m => m["pods"]!["metric"]!["name"]!.GetValue<string>())
            .ToList();
        metrics.Should().NotBeEmpty("the gateway autoscaler scales on connections per pod");

        // The connection of the previous step has closed; the gauge exists once a connection was counted.
        var exposition = await gateway.Http.GetStringAsync(scrape);
        foreach (var metric in metrics)
            exposition.Split('\n').Should().Contain(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal), $"the autoscaler's metric {metric} is exposed at {scrape}");
    }

    /// <summary>
    /// Values for the Secret keys the overlay generates (its <c>secrets.env.example</c>): the Redis connection string,
    /// which names the in-cluster <c>redis</c> Service, points at the loopback server instead; every empty value (the
    /// secrets an operator must choose) gets a random one.
    /// </summary>
    private static Dictionary<(string Secret, string Key), string> StandInSecrets(DeploymentManifests manifests, RedisServer redis)
    {
        var values = new Dictionary<(string Secret, string Key), string>();
        foreach (var secret in manifests.OfKind("Secret"))
        {
            var name = DeploymentManifests.Name(secret);
            foreach (var (key, node) in manifests.Data("Secret", name)!)
            {
                var example = node!.GetValue<string>();
                values[(name, key)] = key == RedisConnectionStringKey ? InClusterRedis(manifests, example, redis)
                    : example.Length == 0 ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))
                    : example;
            }
        }

        return values;
    }

    private static string InClusterRedis(DeploymentManifests manifests, string example, RedisServer redis)
    {
        var (host, port) = (example.Split(':')[0], example.Split(':', ',')[1]);
        var service = manifests.Find("Service", host);
        service.Should().NotBeNull($"{RedisConnectionStringKey}={example} names a Service of the overlay");
        Kustomization.Items(service!["spec"]!["ports"]).Should().Contain(p => p["port"]!.GetValue<string>() == port, $"the {host} Service serves port {port}");
        return redis.ConnectionString;
    }
}
