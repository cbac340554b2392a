using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansRealtime.Hosting;

/// <summary>
/// Runs the silo or gateway host. Options are validated when the host starts (<c>ValidateOnStart</c>); a configuration
/// they refuse ends the process with <see cref="ConfigurationErrorExitCode"/> and one message on stderr that names the
/// keys to set, instead of an unhandled-exception stack trace that an operator has to read the cause out of.
/// </summary>
public static class RealtimeHostRunner
{
    /// <summary><c>EX_CONFIG</c> of sysexits.h: the configuration is missing or wrong. Any other failure keeps its own code.</summary>
    public const int ConfigurationErrorExitCode = 78;

    /// <summary>The first words of the message, which supervisors and tests look for.</summary>
    public const string MessagePrefix = "Configuration error";

    /// <summary>
    /// Validates every <c>ValidateOnStart</c> option first, then lets <paramref name="prepare"/> finish the host (e.g.
    /// map endpoints), then runs it. Validation comes first because Orleans resolves its providers' options (a Redis
    /// membership table, the cluster client) while the host is being prepared and started, and would fail there on a
    /// missing connection string with an exception far from its cause.
    /// </summary>
    public static async Task<int> RunRealtimeAsync<THost>(this THost host, string processName, Action<THost>? prepare = null)
        where THost : IHost
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            host.Services.GetService<IStartupValidator>()?.Validate();
            prepare?.Invoke(host);
            await host.RunAsync();
            return 0;
        }
        catch (Exception ex) when (Refusals(ex) is { Count: > 0 } refusals)
        {
            var environment = host.Services.GetService<IHostEnvironment>()?.EnvironmentName ?? "unknown";
            await Console.Error.WriteLineAsync(Describe(processName, environment, refusals));
            return ConfigurationErrorExitCode;
        }
    }

    /// <summary>One line per refused setting, each naming its configuration key (prefixed with its section when the failure does not).</summary>
    internal static string Describe(string processName, string environment, IReadOnlyList<string> refusals) =>
        $"{MessagePrefix}: the {processName} cannot start in the {environment} environment:\n"
        + string.Concat(refusals.Select(r => $"  - {r}\n"))
        + "Set them in appsettings.json, as environment variables ('__' for ':') or as --Key=value arguments.";

    private static List<string> Refusals(Exception exception)
    {
        var refusals = new List<string>();
        var exceptions = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        foreach (var inner in exceptions)
        {
            if (inner is not OptionsValidationException refused)
                return [];
            var section = refused.OptionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
            foreach (var failure in refused.Failures)
                refusals.Add(section is null || failure.Contains(section, StringComparison.Ordinal) ? failure : $"{section}: {failure}");
        }

        return refusals;
    }
}
