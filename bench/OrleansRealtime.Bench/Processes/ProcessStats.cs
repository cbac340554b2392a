using System.Globalization;

namespace OrleansRealtime.Bench.Processes;

/// <summary>Reads what Linux reports about a process and the machine (procfs); zero where it is not available.</summary>
internal static class ProcessStats
{
    /// <summary>USER_HZ: the unit of the times in /proc/*/stat and /proc/stat (100 on every Linux architecture we run on).</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>Resident set size in KiB (<c>VmRSS</c> of /proc/&lt;pid&gt;/status).</summary>
    public static long RssKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>User + system CPU time of a process (/proc/&lt;pid&gt;/stat fields 14 and 15).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>CPU time the whole machine spent busy (all cores, every process), from the first line of /proc/stat.</summary>
    public static TimeSpan MachineBusyTime()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (var i = 1; i < Math.Min(fields.Length, 9); i++)
            {
                if (i is 4 or 5)
                    continue;
                busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            }

            return TimeSpan.FromSeconds(busy / ClockTicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>The soft limit on open files of this process (children inherit it).</summary>
    public static long? OpenFilesLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                    continue;
                var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var soft) ? soft : null;
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
