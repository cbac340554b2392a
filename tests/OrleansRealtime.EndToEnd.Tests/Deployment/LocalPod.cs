using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// One pod of a workload run as a local process: the app's build output instead of its image, started with the
/// image's command and environment (its Dockerfile) and the container's environment from the manifests (literals,
/// ConfigMaps, Secrets, downward API), as Kubernetes would assemble it. Only what must differ on one machine differs:
/// the downward API's pod IP is 127.0.0.1, and every declared container port is a free loopback port, so a listening
/// setting (<see cref="ContainerSpec.ListeningPort"/>) is rewritten to 127.0.0.1 and that port. Secret values come
/// from the test, since an operator's secrets are not in the repository.
/// </summary>
internal sealed class LocalPod : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(120);

    private readonly Dictionary<int, int> _localPorts;

    private LocalPod(ContainerSpec container, string podName, ManagedProcess process, Dictionary<int, int> localPorts)
    {
        Container = container;
        PodName = podName;
        Process = process;
        _localPorts = localPorts;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    }

    public ContainerSpec Container { get; }

    /// <summary>The pod's name, as the downward API's <c>metadata.name</c> gave it to the app.</summary>
    public string PodName { get; }

    public ManagedProcess Process { get; }

    public HttpClient Http { get; }

    /// <summary>
    /// Starts the single container of <paramref name="workload"/>. <paramref name="secrets"/> holds the values of the
    /// Secrets' keys, by Secret name and key.
    /// </summary>
    public static LocalPod Start(DeploymentManifests manifests, string workload, IReadOnlyDictionary<(string Secret, string Key), string> secrets)
    {
        var deployment = manifests.Workload(workload);
        var container = KubernetesManifestTests.Containers(deployment).Single();
        var app = DeployedApp.ForImage(container.Image) ?? throw new InvalidOperationException($"{container.Description} runs none of our images");
        var podName = $"{workload}-{Guid.NewGuid().ToString("N")[..5]}";
        var localPorts = container.Ports.ToDictionary(p => p.Port, _ => FreePort.Next());

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in app.Dockerfile.Environment)
            environment[name] = value;
        foreach (var (kind, name) in container.EnvFrom)
        {
            foreach (var (key, value) in manifests.Data(kind, name)!)
                environment[key] = kind == "Secret" ? secrets[(name, key)] : value!.GetValue<string>();
        }

        foreach (var entry in container.Env)
            environment[entry["name"]!.GetValue<string>()] = Resolve(entry, manifests, deployment, podName, secrets);

        foreach (var (name, value) in environment.ToList())
        {
            if (value is not null && ContainerSpec.ListeningPort(name, value) is { } port)
                environment[name] = ContainerSpec.ToLoopback(name, value, localPorts[port]);
        }

        // The image runs `dotnet <assembly> …` in its work directory; here the build output is that directory.
        if (app.Dockerfile.Entrypoint.ToArray() is not ["dotnet", var assembly, .. var rest])
            throw new InvalidOperationException($"{app.DockerfilePath}: the ENTRYPOINT does not run `dotnet <assembly>`");
        string[] arguments = [Path.Combine(app.BuildDirectory(), assembly), .. rest, .. Kustomization.Strings(container.Container["args"])];
        var process = ManagedProcess.StartDotnet($"{workload} pod {podName}", arguments, environment, app.BuildDirectory());
        return new LocalPod(container, podName, process, localPorts);
    }

    /// <summary>The local port standing in for a container port (by name or number).</summary>
    public int LocalPort(string containerPort) =>
        _localPorts[Container.ResolvePort(containerPort) ?? throw new ArgumentException($"{Container.Description} declares no port '{containerPort}'", nameof(containerPort))];

    public Uri LocalUri(string containerPort, string path) => new($"http://127.0.0.1:{LocalPort(containerPort)}{path}");

    /// <summary>
    /// Waits until the readiness probe answers 200, as the kubelet would poll it, then requires the startup and
    /// liveness probes to answer 200 as well. Fails with the process's output if it exits or the time runs out.
    /// </summary>
    public async Task WaitForProbesAsync()
    {
        var probes = Container.Probes.ToDictionary(p => p.Kind, p => ProbeUri(p.Probe));
        var readiness = probes["readinessProbe"];
        await Eventually.HoldsAsync(() => GetStatusAsync(readiness), status => status == "200", $"{Process.Name}: GET {readiness} answers 200", ProbeTimeout);
        foreach (var (kind, uri) in probes)
            (await GetStatusAsync(uri)).Should().Be("200", $"the {kind} of {Container.Description} (GET {uri}) passes once the pod is ready");
    }

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }

    private Uri ProbeUri(JsonObject probe)
    {
        var get = probe["httpGet"] ?? throw new InvalidOperationException($"{Container.Description}: only httpGet probes can be checked locally");
        return LocalUri(get["port"]!.GetValue<string>(), get["path"]!.GetValue<string>());
    }

    private async Task<string> GetStatusAsync(Uri uri)
    {
        if (Process.HasExited)
            throw new ProcessExitedException($"{Process.Name} exited before its probes passed. {Process.DescribeOutput()}");
        try
        {
            using var response = await Http.GetAsync(uri);
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return ex.Message;
        }
    }

    private static string? Resolve(
        JsonObject entry, DeploymentManifests manifests, JsonObject workload, string podName, IReadOnlyDictionary<(string Secret, string Key), string> secrets)
    {
        if (entry["value"] is { } value)
            return value.GetValue<string>();
        var from = entry["valueFrom"]!;
        if (from["fieldRef"]?["fieldPath"]?.GetValue<string>() is { } field)
        {
            return field switch
            {
                "metadata.name" => podName,
                "metadata.namespace" => workload["metadata"]!["namespace"]!.GetValue<string>(),
                "status.podIP" => IPAddress.Loopback.ToString(),
                _ => throw new NotSupportedException($"fieldRef {field}"),
            };
        }

        if (from["secretKeyRef"] is { } secret)
            return secrets[(secret["name"]!.GetValue<string>(), secret["key"]!.GetValue<string>())];
        if (from["configMapKeyRef"] is { } map)
            return manifests.Data("ConfigMap", map["name"]!.GetValue<string>())![map["key"]!.GetValue<string>()]!.GetValue<string>();
        throw new NotSupportedException($"env {entry["name"]} has an unsupported valueFrom");
    }
}
