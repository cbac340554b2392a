using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// What a cluster (or the pods in it) would refuse or get wrong in the rendered manifests of every overlay under
/// <c>k8s/overlays</c>: each test collects every problem it finds and lists them all in its failure message.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class KubernetesManifestTests
{
    public static TheoryData<string> Overlays() => [.. DeploymentManifests.OverlayNames()];

    [Fact]
    public void EveryYamlFileUnderK8sParses()
    {
        var files = DeploymentManifests.YamlFiles().ToList();

        files.Should().NotBeEmpty();
        foreach (var file in files)
            YamlDocuments.Load(file).Should().NotBeEmpty($"{file} holds at least one document");
    }

    [Fact]
    public void ThereAreOverlaysToCheck() =>
        DeploymentManifests.OverlayNames().Should().Contain("production");

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryObjectHasWhatTheApiServerRequires(string overlay)
    {
        var manifests = DeploymentManifests.Render(overlay);
        var problems = new List<string>();
        var namespaces = manifests.OfKind("Namespace").Select(DeploymentManifests.Name).ToHashSet();
        foreach (var item in manifests.Objects)
        {
            var name = DeploymentManifests.Name(item);
            var what = $"{item["kind"]}/{name}";
            if (item["apiVersion"] is null)
                problems.Add($"{what} has no apiVersion");
            if (!DnsName().IsMatch(name))
                problems.Add($"{what}: the name is not a DNS-1123 name");
            if (item["metadata"]?["namespace"]?.GetValue<string>() is { } ns && !namespaces.Contains(ns))
                problems.Add($"{what} is in namespace '{ns}', which no Namespace object creates");
        }

        foreach (var duplicate in manifests.Objects.GroupBy(o => $"{o["kind"]}/{DeploymentManifests.Name(o)}").Where(g => g.Count() > 1))
            problems.Add($"{duplicate.Key} is defined {duplicate.Count()} times");

        NoProblems(problems);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SelectorsMatchThePodsTheyAreFor(string overlay)
    {
        var manifests = DeploymentManifests.Render(overlay);
        var problems = new List<string>();
        foreach (var workload in manifests.Workloads)
        {
            var selector = DeploymentManifests.Labels(workload["spec"]?["selector"]?["matchLabels"]);
            var labels = DeploymentManifests.PodLabels(workload);
            if (selector.Count == 0)
                problems.Add($"{DeploymentManifests.Name(workload)} has no spec.selector.matchLabels");
            else if (selector.Any(s => !labels.TryGetValue(s.Key, out var value) || value != s.Value))
                problems.Add($"{DeploymentManifests.Name(workload)}: spec.selector does not match the pod template's labels (apps/v1 refuses it)");
            if (Kustomization.Kind(workload) == "StatefulSet" && manifests.Find("Service", workload["spec"]?["serviceName"]?.GetValue<string>() ?? string.Empty) is null)
                problems.Add($"StatefulSet/{DeploymentManifests.Name(workload)}: its serviceName is not a Service here");
        }

        foreach (var service in manifests.OfKind("Service"))
            RequireSelected(manifests, $"Service/{DeploymentManifests.Name(service)}", DeploymentManifests.Labels(service["spec"]?["selector"]), problems);
        foreach (var budget in manifests.OfKind("PodDisruptionBudget"))
        {
            RequireSelected(manifests, $"PodDisruptionBudget/{DeploymentManifests.Name(budget)}", DeploymentManifests.Labels(budget["spec"]?["selector"]?["matchLabels"]), problems);
            if ((budget["spec"]?["minAvailable"] is null) == (budget["spec"]?["maxUnavailable"] is null))
                problems.Add($"PodDisruptionBudget/{DeploymentManifests.Name(budget)} needs exactly one of minAvailable and maxUnavailable");
        }

        foreach (var policy in manifests.OfKind("NetworkPolicy"))
        {
            RequireSelected(manifests, $"NetworkPolicy/{DeploymentManifests.Name(policy)}", DeploymentManifests.Labels(policy["spec"]?["podSelector"]?["matchLabels"]), problems);
            foreach (var peer in Kustomization.Items(policy["spec"]?["ingress"]).SelectMany(rule => Kustomization.Items(rule["from"])))
                RequireSelected(manifests, $"NetworkPolicy/{DeploymentManifests.Name(policy)} peer", DeploymentManifests.Labels(peer["podSelector"]?["matchLabels"]), problems);
        }

        foreach (var autoscaler in manifests.OfKind("HorizontalPodAutoscaler"))
        {
            var target = autoscaler["spec"]?["scaleTargetRef"];
            var workload = manifests.Find(target?["kind"]?.GetValue<string>() ?? string.Empty, target?["name"]?.GetValue<string>() ?? string.Empty);
            if (workload is null || workload["apiVersion"]?.GetValue<string>() != target?["apiVersion"]?.GetValue<string>())
                problems.Add($"HorizontalPodAutoscaler/{DeploymentManifests.Name(autoscaler)} targets {target?.ToJsonString()}, which is not here");
            else if (workload["spec"]?["replicas"] is not null)
                problems.Add($"{DeploymentManifests.Name(workload)} sets replicas although an autoscaler owns its count (every apply would reset it)");
            if (int.Parse(autoscaler["spec"]!["minReplicas"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
                > int.Parse(autoscaler["spec"]!["maxReplicas"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
                problems.Add($"HorizontalPodAutoscaler/{DeploymentManifests.Name(autoscaler)}: minReplicas > maxReplicas");
        }

        NoProblems(problems);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ProbesServicesAndScrapesUseDeclaredContainerPorts(string overlay)
    {
        var manifests = DeploymentManifests.Render(overlay);
        var problems = new List<string>();
        foreach (var container in Containers(manifests))
        {
            if (container.Ports.Select(p => p.Port).Distinct().Count() != container.Ports.Count)
                problems.Add($"{container.Description} declares a port twice");
            foreach (var (kind, probe) in container.Probes)
            {
                var port = (probe["httpGet"] ?? probe["tcpSocket"])?["port"]?.GetValue<string>();
                if (port is not null && container.ResolvePort(port) is null)
                    problems.Add($"{container.Description}: the {kind} uses port '{port}', which the container does not declare");
                if (probe["httpGet"] is JsonObject get && get["path"] is null)
                    problems.Add($"{container.Description}: the {kind} has no path");
            }

            var annotations = container.Workload["spec"]?["template"]?["metadata"]?["annotations"];
            if (annotations?["prometheus.io/port"]?.GetValue<string>() is { } scrape && container.ResolvePort(scrape) is null)
                problems.Add($"{container.Description}: prometheus.io/port {scrape} is not a declared container port");
        }

        foreach (var service in manifests.OfKind("Service"))
        {
            var selected = manifests.Selected(DeploymentManifests.Labels(service["spec"]?["selector"])).ToList();
            foreach (var port in Kustomization.Items(service["spec"]?["ports"]))
            {
                var target = (port["targetPort"] ?? port["port"])!.GetValue<string>();
                foreach (var workload in selected.Where(w => !Containers(w).Any(c => c.ResolvePort(target) is not null)))
                    problems.Add($"Service/{DeploymentManifests.Name(service)}: targetPort '{target}' is no container port of {DeploymentManifests.Name(workload)}");
            }
        }

        foreach (var ingress in manifests.OfKind("Ingress"))
        {
            foreach (var backend in IngressBackends(ingress))
            {
                var name = backend["name"]!.GetValue<string>();
                var servicePort = backend["port"]?["name"]?.GetValue<string>() ?? backend["port"]?["number"]?.GetValue<string>();
                var service = manifests.Find("Service", name);
                if (service is null || !Kustomization.Items(service["spec"]?["ports"]).Any(p => p["name"]?.GetValue<string>() == servicePort || p["port"]?.GetValue<string>() == servicePort))
                    problems.Add($"Ingress/{DeploymentManifests.Name(ingress)}: backend {name}:{servicePort} is not a Service port here");
            }
        }

        NoProblems(problems);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ContainersArePinnedBoundedAndUnprivileged(string overlay)
    {
        var manifests = DeploymentManifests.Render(overlay);
        var problems = new List<string>();
        foreach (var workload in manifests.Workloads)
        {
            var pod = workload["spec"]!["template"]!["spec"]!;
            if (pod["securityContext"]?["runAsNonRoot"]?.GetValue<string>() != "true")
                problems.Add($"{DeploymentManifests.Name(workload)}: the pod does not require runAsNonRoot");
            foreach (var container in Containers(workload))
            {
                if (!PinnedImage().IsMatch(container.Image))
                    problems.Add($"{container.Description}: image '{container.Image}' is not pinned to a version tag");
                foreach (var bound in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        if (container.Container["resources"]?[bound]?[resource] is null)
                            problems.Add($"{container.Description} has no resources.{bound}.{resource}");
                    }
                }

                if (container.Container["securityContext"]?["allowPrivilegeEscalation"]?.GetValue<string>() != "false")
                    problems.Add($"{container.Description} does not forbid privilege escalation");
            }
        }

        NoProblems(problems);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EnvironmentNamesAreSettingsTheAppsReadAndReferencesResolve(string overlay)
    {
        var manifests = DeploymentManifests.Render(overlay);
        var problems = new List<string>();
        var apps = 0;
        foreach (var container in Containers(manifests))
        {
            var app = DeployedApp.ForImage(container.Image);
            var names = new List<string>();
            foreach (var (kind, name) in container.EnvFrom)
            {
                if (manifests.Data(kind, name) is { } data)
                    names.AddRange(data.Select(p => p.Key));
                else
                    problems.Add($"{container.Description}: envFrom {kind} '{name}' is not here");
            }

            foreach (var entry in container.Env)
            {
                names.Add(entry["name"]!.GetValue<string>());
                problems.AddRange(ReferenceProblems(manifests, container, entry));
            }

            if (app is null)
                continue;
            apps++;
            foreach (var name in names.Where(n => !app.ConfigurationKeys.Reads(n)))
                problems.Add($"{container.Description}: {app.Image} reads no setting '{name}'");
        }

        apps.Should().BeGreaterThanOrEqualTo(2, "the silo and the gateway are deployed");
        NoProblems(problems);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ListeningSettingsInTheEnvironmentAreDeclaredContainerPorts(string overlay)
    {
        var manifests = DeploymentManifests.Render(overlay);
        var problems = new List<string>();
        foreach (var container in Containers(manifests).Where(c => DeployedApp.ForImage(c.Image) is not null))
        {
            var image = DeployedApp.ForImage(container.Image)!.Dockerfile;
            var literals = image.Environment.Concat(container.Env
                .Where(e => e["value"] is not null)
                .Select(e => KeyValuePair.Create(e["name"]!.GetValue<string>(), e["value"]!.GetValue<string>())));
            foreach (var (name, value) in literals)
            {
                if (ContainerSpec.ListeningPort(name, value) is { } port && container.ResolvePort(port.ToString(System.Globalization.CultureInfo.InvariantCulture)) is null)
                    problems.Add($"{container.Description}: {name}={value} listens on {port}, which the container does not declare");
            }
        }

        NoProblems(problems);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ImagesComeFromDockerfilesThatMatchThePods(string overlay)
    {
        var manifests = DeploymentManifests.Render(overlay);
        var problems = new List<string>();
        foreach (var container in Containers(manifests))
        {
            if (DeployedApp.ForImage(container.Image) is not { } app)
                continue;
            var dockerfile = app.Dockerfile;
            problems.AddRange(dockerfile.BaseImages.Where(b => !PinnedImage().IsMatch(b)).Select(b => $"{app.DockerfilePath}: base image {b} is not pinned to a version"));
            var runAsUser = container.Workload["spec"]!["template"]!["spec"]!["securityContext"]?["runAsUser"]?.GetValue<string>();
            if (dockerfile.User != runAsUser)
                problems.Add($"{app.DockerfilePath}: USER {dockerfile.User} differs from the pod's runAsUser {runAsUser}");
            problems.AddRange(container.Ports.Where(p => !dockerfile.ExposedPorts.Contains(p.Port)).Select(p => $"{app.DockerfilePath} does not EXPOSE {p.Port}"));
            if (dockerfile.Entrypoint is not ["dotnet", var assembly] || !File.Exists(Path.Combine(app.BuildDirectory(), assembly)))
                problems.Add($"{app.DockerfilePath}: ENTRYPOINT {string.Join(' ', dockerfile.Entrypoint)} does not run an assembly the build produces");
            if (container.Container["command"] is not null)
                problems.Add($"{container.Description} overrides the image's ENTRYPOINT");
        }

        NoProblems(problems);
    }

    private static void NoProblems(List<string> problems) =>
        problems.Should().BeEmpty("a cluster would refuse or misrun these manifests:\n" + string.Join('\n', problems));

    internal static IEnumerable<ContainerSpec> Containers(DeploymentManifests manifests) => manifests.Workloads.SelectMany(Containers);

    internal static IEnumerable<ContainerSpec> Containers(JsonObject workload) => Kustomization.Containers(workload).Select(c => new ContainerSpec(workload, c));

    private static IEnumerable<string> ReferenceProblems(DeploymentManifests manifests, ContainerSpec container, JsonObject entry)
    {
        var name = entry["name"]!.GetValue<string>();
        if ((entry["value"] is null) == (entry["valueFrom"] is null))
            yield return $"{container.Description}: env {name} needs exactly one of value and valueFrom";
        var from = entry["valueFrom"];
        if (from?["fieldRef"]?["fieldPath"]?.GetValue<string>() is { } field && !ContainerSpec.SupportedFieldPaths.Contains(field))
            yield return $"{container.Description}: env {name} uses fieldRef {field}, which the launch test cannot stand in for";
        foreach (var (kind, reference) in new[] { ("ConfigMap", from?["configMapKeyRef"]), ("Secret", from?["secretKeyRef"]) })
        {
            if (reference is null)
                continue;
            var source = reference["name"]!.GetValue<string>();
            var key = reference["key"]!.GetValue<string>();
            if (manifests.Data(kind, source) is not { } data || !data.ContainsKey(key))
                yield return $"{container.Description}: env {name} refers to {kind} {source} key {key}, which is not here";
        }
    }

    private static void RequireSelected(DeploymentManifests manifests, string what, IReadOnlyDictionary<string, string> selector, List<string> problems)
    {
        if (!manifests.Selected(selector).Any())
            problems.Add($"{what}: its selector {string.Join(',', selector.Select(s => $"{s.Key}={s.Value}"))} selects no workload's pods");
    }

    private static IEnumerable<JsonObject> IngressBackends(JsonObject ingress) =>
        Kustomization.Items(ingress["spec"]?["rules"])
            .SelectMany(rule => Kustomization.Items(rule["http"]?["paths"]))
            .Select(path => (JsonObject)path["backend"]!["service"]!);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsName();

    // A tag that starts with a digit (a version), never 'latest' or no tag at all.
    [GeneratedRegex(@"^[^:@\s]+(:[0-9][^\s]*)$")]
    private static partial Regex PinnedImage();
}
