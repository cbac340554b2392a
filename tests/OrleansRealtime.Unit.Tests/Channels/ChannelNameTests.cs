using OrleansRealtime.Channels;

namespace OrleansRealtime.Unit.Tests.Channels;

[Trait("Category", "Unit")]
public sealed class ChannelNameTests
{
    [Theory]
    [InlineData("news")]
    [InlineData("a")]
    [InlineData("metrics.cpu")]
    [InlineData("metrics.cpu.core-0")]
    [InlineData("a-b_c:d@e=f+g/h#i~j")]
    [InlineData("ABC.xyz.0123456789")]
    [InlineData("user:42.inbox")]
    public void ValidNamesAreAccepted(string name)
    {
        ChannelName.IsValid(name).Should().BeTrue();
    }

    [Fact]
    public void NameOfMaxLengthIsAccepted()
    {
        var name = new string('a', ChannelName.MaxLength);

        name.Length.Should().Be(255);
        ChannelName.IsValid(name).Should().BeTrue();
    }

    [Fact]
    public void DottedNameOfMaxLengthIsAccepted()
    {
        var name = string.Join('.', Enumerable.Repeat("abcd", 51)) + "e";

        name.Length.Should().Be(ChannelName.MaxLength);
        ChannelName.IsValid(name).Should().BeTrue();
    }

    [Fact]
    public void NameLongerThanMaxLengthIsRefused()
    {
        ChannelName.IsValid(new string('a', ChannelName.MaxLength + 1)).Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a..b")]
    [InlineData("metrics.*")]
    [InlineData("metrics.>")]
    [InlineData("*")]
    [InlineData("a>b")]
    [InlineData("a b")]
    [InlineData(" news")]
    [InlineData("news ")]
    [InlineData("a\"b")]
    [InlineData("a'b")]
    [InlineData("a\\b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("a\u007fb")]
    [InlineData("caf\u00e9")]
    [InlineData("news\u2713")]
    [InlineData("\uff41")]
    [InlineData("a,b")]
    [InlineData("a?b")]
    [InlineData("a%b")]
    public void InvalidNamesAreRefused(string name)
    {
        ChannelName.IsValid(name).Should().BeFalse();
    }

    [Fact]
    public void InvalidCharacterAtTheVeryEndOfALongNameIsRefused()
    {
        var name = new string('a', ChannelName.MaxLength - 1) + "*";

        ChannelName.IsValid(name).Should().BeFalse();
    }
}
