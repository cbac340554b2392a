using OrleansRealtime.Testing;

namespace OrleansRealtime.Unit.Tests.Testing;

[Trait("Category", "Unit")]
public sealed class TaskTimeoutExtensionsTests
{
    [Fact]
    public async Task ATaskThatNeverEndsFailsWithAMessageNamingWhatWasAwaited()
    {
        var never = new TaskCompletionSource<int>().Task;

        var wait = () => never.WithTimeout(TimeSpan.FromMilliseconds(20), "the answer");

        (await wait.Should().ThrowAsync<TimeoutException>()).WithMessage("*waiting for the answer*");
    }

    [Fact]
    public async Task ACompletedTaskPassesItsResultThrough()
    {
        var result = await Task.FromResult(42).WithTimeout(TimeSpan.FromSeconds(1), "the answer");

        result.Should().Be(42);
    }

    [Fact]
    public async Task ATaskThatFailsPassesItsOwnExceptionThrough()
    {
        var failed = Task.FromException(new TimeoutException("the task's own"));

        var wait = () => failed.WithTimeout(TimeSpan.FromSeconds(1), "the answer");

        (await wait.Should().ThrowAsync<TimeoutException>()).WithMessage("the task's own");
    }
}
