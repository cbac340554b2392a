using System.Reflection;
using System.Runtime.InteropServices;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// The configuration keys an app binds, read from its built assemblies instead of a second hand-written list: every
/// options class declares its section as <c>public const string Section</c>, and every public settable property under
/// it is a key (<c>Realtime:Limits:MaxFrameBytes</c>); a <c>const string …ConnectionStringName</c> names a key under
/// <c>ConnectionStrings</c>. The assemblies are inspected with a <see cref="MetadataLoadContext"/>, never loaded to run.
/// </summary>
internal sealed class ConfigurationKeys
{
    /// <summary>
    /// Environment variables the .NET host and its libraries read themselves (host settings such as
    /// <c>ASPNETCORE_URLS</c> and <c>DOTNET_ENVIRONMENT</c>, logging, OpenTelemetry's <c>OTEL_*</c>), not an app's options.
    /// </summary>
    private static readonly string[] HostPrefixes = ["ASPNETCORE_", "DOTNET_", "OTEL_", "Logging__"];

    private readonly HashSet<string> _keys;

    private ConfigurationKeys(HashSet<string> keys) => _keys = keys;

    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>The keys bound by the options classes of <paramref name="assemblies"/> (paths of built assemblies).</summary>
    public static ConfigurationKeys Of(IReadOnlyList<string> assemblies)
    {
        var searched = assemblies.Select(Path.GetDirectoryName).Distinct()
            .Append(RuntimeEnvironment.GetRuntimeDirectory())
            .Append(AspNetCoreDirectory())
            .SelectMany(directory => Directory.EnumerateFiles(directory!, "*.dll"))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(group => group.First());
        using var context = new MetadataLoadContext(new PathAssemblyResolver(searched), "System.Runtime");

        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.Select(context.LoadFromAssemblyPath).SelectMany(a => a.GetTypes()))
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (!field.IsLiteral || field.GetRawConstantValue() is not string value)
                    continue;
                if (field.Name == "Section")
                {
                    foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                    {
                        if (property.SetMethod is { IsPublic: true })
                            keys.Add($"{value}:{property.Name}");
                    }
                }
                else if (field.Name.EndsWith("ConnectionStringName", StringComparison.Ordinal))
                {
                    keys.Add($"ConnectionStrings:{value}");
                }
            }
        }

        return keys.Count > 0 ? new ConfigurationKeys(keys) : throw new InvalidOperationException($"no options classes found in {string.Join(", ", assemblies)}");
    }

    /// <summary>
    /// Whether the app reads the environment variable <paramref name="name"/>: <c>__</c> stands for <c>:</c>, and a
    /// trailing numeric segment is an array index (<c>Realtime__AllowedOrigins__0</c>).
    /// </summary>
    public bool Reads(string name)
    {
        if (HostPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            return true;
        var segments = name.Split("__").ToList();
        if (segments.Count > 1 && int.TryParse(segments[^1], out _))
            segments.RemoveAt(segments.Count - 1);
        return _keys.Contains(string.Join(':', segments));
    }

    // Gateway types derive from ASP.NET Core types; their metadata resolves against the shared framework beside the runtime.
    private static string AspNetCoreDirectory()
    {
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar));
        var shared = Path.Combine(runtime.Parent!.Parent!.FullName, "Microsoft.AspNetCore.App");
        return Directory.Exists(Path.Combine(shared, runtime.Name))
            ? Path.Combine(shared, runtime.Name)
            : Directory.GetDirectories(shared).OrderBy(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version()).Last();
    }
}
