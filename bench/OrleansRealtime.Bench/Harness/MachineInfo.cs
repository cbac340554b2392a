using System.Runtime.InteropServices;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Harness;

/// <summary>What a reader needs to know about the machine to weigh the numbers.</summary>
internal sealed record MachineInfo(int Cores, string CpuModel, string Os, string Runtime, long MemoryMiB, long? OpenFilesLimit, string LoadAverage)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        ReadCpuModel(),
        $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
        RuntimeInformation.FrameworkDescription,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024),
        ProcessStats.OpenFilesLimit(),
        LoadAverageNow());

    public static string LoadAverageNow()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
