using StellaOps.Ops.Contracts;
using StellaOps.Ops.Contracts.Text;

namespace StellaOps.Ops.Daemon.Tests;

/// <summary>The one escaping helper (views, errors, console log) and the input rules for names and subjects.</summary>
public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("title\u001b]0;pwned\u0007", "title\\e]0;pwned\\a")]
    [InlineData("\u001b[2J\u001b[H", "\\e[2J\\e[H")]
    [InlineData("over\rwrite\n", "over\\rwrite\\n")]
    [InlineData("c1\u009b31m del\u007f", "c1\\x9B31m del\\x7F")]
    [InlineData("bidi\u202Eexe", "bidi\\u202Eexe")]
    public void Escape_turns_every_control_and_invisible_formatting_character_into_a_visible_escape(string input, string expected)
    {
        var escaped = TerminalText.Escape(input)!;
        Assert.Equal(expected, escaped);
        Assert.Equal(-1, TerminalText.IndexOfUnsafe(escaped));
    }

    [Fact]
    public void Escape_keeps_printable_text_paths_and_emoji_as_they_are_and_newlines_only_when_asked()
    {
        const string text = "registry.example/app:1.0 C:\\keys\\a.pem é 🔑";
        Assert.Same(text, TerminalText.Escape(text));
        Assert.Equal("a\nb\\r", TerminalText.Escape("a\nb\r", keepNewlines: true));
        Assert.Null(TerminalText.Escape(null));
        Assert.Equal("lone\\uD800x", TerminalText.Escape("lone" + (char)0xD800 + "x"));
    }

    [Theory]
    [InlineData("name\u001b[31m", "key name", 5)]
    [InlineData("a\u0007", "key name", 2)]
    [InlineData("x\ry", "subject name", 2)]
    public void Check_refuses_control_characters_naming_the_field_and_the_position_without_echoing_them(string value, string field, int position)
    {
        var e = Assert.Throws<OpsException>(() => InputText.Check(value, field, 100));
        Assert.Equal(OpsErrorCode.InvalidArgument, e.Code);
        Assert.Equal(field, e.Target);
        Assert.Contains($"The {field} '", e.Message);
        Assert.Contains($"at position {position})", e.Message);
        Assert.Equal(-1, TerminalText.IndexOfUnsafe(e.Message));
    }

    [Fact]
    public void Check_refuses_over_long_values_without_echoing_them_and_accepts_the_limit()
    {
        InputText.Check(new string('a', InputText.NameMaxLength), "key name", InputText.NameMaxLength);
        InputText.Check(null, "key name", InputText.NameMaxLength);
        var e = Assert.Throws<OpsException>(() => InputText.Check(new string('a', 1_000_000), "key name", InputText.NameMaxLength));
        Assert.Contains("1000000 characters long; at most 128", e.Message);
        Assert.True(e.Message.Length < 200);
    }
}
