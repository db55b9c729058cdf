using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Tests.Text;

public sealed class VocabularyTests
{
    private static readonly Rune Replacement = new(0xFFFD);

    // ---- building ----

    [Fact]
    public void FromText_UnsortedAscii_SortsByScalarValue()
    {
        Vocabulary vocabulary = Vocabulary.FromText("hello world");

        Assert.Equal(" dehlorw", Concat(vocabulary.Characters));
        Assert.Equal(8, vocabulary.Count);
        Assert.Null(vocabulary.UnknownId);
        Assert.Null(vocabulary.UnknownCharacter);
    }

    [Fact]
    public void FromText_Emoji_IsOneCharacterAndRoundTrips()
    {
        Vocabulary vocabulary = Vocabulary.FromText("a😀b");

        Assert.Equal(3, vocabulary.Count);
        Assert.Equal(new Rune(0x1F600), vocabulary[2]);
        int[] ids = vocabulary.Encode("a😀b");
        Assert.Equal([0, 2, 1], ids);
        Assert.Equal("a😀b", vocabulary.Decode(ids));
    }

    [Fact]
    public void FromText_SupplementaryAndHighBmp_SortsByScalarValueNotUtf16()
    {
        // UTF-16 ordinal order puts the surrogate pair D83D DE00 before U+FF01; scalar order does not.
        Vocabulary vocabulary = Vocabulary.FromText("😀！");

        Assert.Equal([new Rune(0xFF01), new Rune(0x1F600)], vocabulary.Characters);
    }

    [Fact]
    public void FromText_CombiningMarks_KeepsBaseAndMarkApartWithoutNormalizing()
    {
        const string decomposed = "e\u0301";   // e + combining acute accent
        const string precomposed = "\u00E9";   // é
        Vocabulary vocabulary = Vocabulary.FromText(decomposed + precomposed + "ñ");

        Assert.Equal([new Rune('e'), new Rune(0xE9), new Rune(0xF1), new Rune(0x301)], vocabulary.Characters);
        Assert.Equal(decomposed, vocabulary.Decode(vocabulary.Encode(decomposed)));
        Assert.Equal(precomposed, vocabulary.Decode(vocabulary.Encode(precomposed)));
    }

    [Fact]
    public void FromText_ReadOnlySpan_MatchesString()
    {
        const string text = "naïve café 😀";

        Assert.Equal(Vocabulary.FromText(text), Vocabulary.FromText(text.AsSpan()));
    }

    [Fact]
    public void FromText_Empty_ThrowsArgument()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Vocabulary.FromText(""));
        Assert.Equal("text", exception.ParamName);
        Assert.Contains("empty", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Vocabulary.FromText(ReadOnlySpan<char>.Empty));
    }

    [Fact]
    public void FromText_Null_ThrowsArgumentNull()
    {
        ArgumentNullException exception = Assert.Throws<ArgumentNullException>(() => Vocabulary.FromText((string)null!));
        Assert.Equal("text", exception.ParamName);
    }

    // xunit mangles lone surrogates in InlineData strings, so the bad code unit is passed as a number.
    [Theory]
    [InlineData("ab", 0xD800, "c", 2)]    // lone high surrogate
    [InlineData("ab", 0xDE00, "c", 2)]    // lone low surrogate
    [InlineData("abc", 0xD83D, "", 3)]    // high surrogate at the end
    [InlineData("😀", 0xDE00, "", 2)]     // low surrogate after a valid pair
    [InlineData("a", 0xD83D, "b", 1)]     // high surrogate followed by a non-surrogate
    public void FromText_LoneSurrogate_ThrowsWithPosition(string before, int surrogate, string after, int index)
    {
        string text = before + (char)surrogate + after;

        ArgumentException exception = Assert.Throws<ArgumentException>(() => Vocabulary.FromText(text));

        Assert.Equal("text", exception.ParamName);
        Assert.Contains($"U+{surrogate:X4} at index {index}", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Vocabulary.CountRunes(text));
        Assert.Throws<ArgumentException>(() => Vocabulary.FromText("abc😀").Encode(text));
    }

    [Fact]
    public void FromText_UnknownCharacterNotInText_JoinsVocabulary()
    {
        Vocabulary vocabulary = Vocabulary.FromText("cab", Replacement);

        Assert.Equal(4, vocabulary.Count);
        Assert.Equal(3, vocabulary.UnknownId);
        Assert.Equal(Replacement, vocabulary.UnknownCharacter);
        Assert.True(vocabulary.Contains(Replacement));
    }

    [Fact]
    public void FromText_UnknownCharacterInText_KeepsItsSortedPlace()
    {
        Vocabulary vocabulary = Vocabulary.FromText("a?b", new Rune('?'));

        Assert.Equal(3, vocabulary.Count);
        Assert.Equal(0, vocabulary.UnknownId);   // '?' (U+003F) sorts before 'a'
    }

    [Fact]
    public void FromTexts_SeveralTexts_UnionsCharacters()
    {
        Vocabulary vocabulary = Vocabulary.FromTexts(["ba", "", "c😀a"]);

        Assert.Equal(Vocabulary.FromText("abc😀"), vocabulary);
    }

    [Fact]
    public void FromTexts_AllEmpty_ThrowsArgument()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Vocabulary.FromTexts(["", ""]));
        Assert.Equal("texts", exception.ParamName);
        Assert.Throws<ArgumentException>(() => Vocabulary.FromTexts([]));
    }

    [Fact]
    public void FromTexts_NullText_ThrowsArgument()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Vocabulary.FromTexts(["a", null!]));
        Assert.Equal("texts", exception.ParamName);
        Assert.Contains("index 1", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => Vocabulary.FromTexts(null!));
    }

    [Fact]
    public void FromTexts_LoneSurrogate_NamesTextAndPosition()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Vocabulary.FromTexts(["ok", "x\uDC00"]));

        Assert.Equal("texts", exception.ParamName);
        Assert.Contains("text at index 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("at index 1.", exception.Message, StringComparison.Ordinal);
        Assert.Contains("U+DC00", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCharacters_DuplicatesAndUnsorted_SortsAndMerges()
    {
        Vocabulary vocabulary = Vocabulary.FromCharacters([new Rune('b'), new Rune('a'), new Rune('b')], Replacement);

        Assert.Equal(Vocabulary.FromText("ab", Replacement), vocabulary);
        Assert.Throws<ArgumentException>(() => Vocabulary.FromCharacters([]));
    }

    // ---- lookup ----

    [Fact]
    public void TryGetId_KnownAndUnknown_ReportsIdOrMinusOne()
    {
        Vocabulary vocabulary = Vocabulary.FromText("xyé😀", Replacement);

        Assert.True(vocabulary.TryGetId(new Rune(0x1F600), out int emoji));
        Assert.Equal(new Rune(0x1F600), vocabulary[emoji]);
        Assert.True(vocabulary.TryGetId(new Rune('y'), out int y));
        Assert.Equal(1, y);
        Assert.False(vocabulary.TryGetId(new Rune('z'), out int missing));   // no fall-back to the unknown id
        Assert.Equal(-1, missing);
        Assert.False(vocabulary.Contains(new Rune(0x1F601)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Indexer_IdOutOfRange_ThrowsArgumentOutOfRange(int id)
    {
        Vocabulary vocabulary = Vocabulary.FromText("abc");

        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary[id]);
        Assert.Equal("id", exception.ParamName);
    }

    // ---- encode ----

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("a😀b😀", 4)]
    [InlineData("e\u0301", 2)]
    public void CountRunes_ValidText_CountsScalarValues(string text, int expected)
    {
        Assert.Equal(expected, Vocabulary.CountRunes(text));
    }

    [Fact]
    public void CountRunes_LoneSurrogate_ThrowsWithPosition()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Vocabulary.CountRunes("a\uD800"));

        Assert.Equal("text", exception.ParamName);
        Assert.Contains("index 1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_DestinationOfRuneCount_WritesAllIds()
    {
        Vocabulary vocabulary = Vocabulary.FromText("a😀");
        Span<int> destination = stackalloc int[2];   // shorter than the text's 3 chars

        Assert.Equal(2, vocabulary.Encode("😀a", destination));
        Assert.Equal([1, 0], destination.ToArray());
    }

    [Fact]
    public void Encode_DestinationTooShort_ThrowsArgument()
    {
        Vocabulary vocabulary = Vocabulary.FromText("abc");
        int[] destination = new int[2];

        ArgumentException exception = Assert.Throws<ArgumentException>(() => vocabulary.Encode("abc", destination));
        Assert.Equal("destination", exception.ParamName);
    }

    [Fact]
    public void Encode_UnknownCharacter_ThrowsNamingCharacterAndPosition()
    {
        Vocabulary vocabulary = Vocabulary.FromText("a😀b");

        ArgumentException exception = Assert.Throws<ArgumentException>(() => vocabulary.Encode("a😀bé"));

        Assert.Equal("text", exception.ParamName);
        Assert.Contains("'é'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("U+00E9", exception.Message, StringComparison.Ordinal);
        Assert.Contains("index 4", exception.Message, StringComparison.Ordinal);   // UTF-16 index: the emoji is 2 chars
    }

    [Fact]
    public void Encode_UnknownEmoji_NamesFullScalarValue()
    {
        Vocabulary vocabulary = Vocabulary.FromText("ab");

        ArgumentException exception = Assert.Throws<ArgumentException>(() => vocabulary.Encode("b🎉".AsSpan(), new int[3]));

        Assert.Contains("'🎉' (U+1F389)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("index 1", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n", "'\\n' (U+000A)")]
    [InlineData("\u0007", "U+0007")]
    [InlineData("\u200D", "U+200D")]
    [InlineData(" ", "' ' (U+0020)")]
    public void Encode_UnknownInvisibleCharacter_DescribesItReadably(string text, string expected)
    {
        Vocabulary vocabulary = Vocabulary.FromText("a");

        ArgumentException exception = Assert.Throws<ArgumentException>(() => vocabulary.Encode(text));

        Assert.Contains($"character {expected} at index 0", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_UnknownIdMode_MapsUnknownCharactersToUnknownId()
    {
        Vocabulary vocabulary = Vocabulary.FromText("abc", Replacement);

        int[] ids = vocabulary.Encode("axc🎉");

        Assert.Equal([0, 3, 2, 3], ids);
        Assert.Equal("a\uFFFDc\uFFFD", vocabulary.Decode(ids));
    }

    [Fact]
    public void Encode_UnknownIdModeLoneSurrogate_StillThrows()
    {
        Vocabulary vocabulary = Vocabulary.FromText("abc", Replacement);

        ArgumentException exception = Assert.Throws<ArgumentException>(() => vocabulary.Encode("ab\uD800"));

        Assert.Equal("text", exception.ParamName);
        Assert.Contains("index 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_EmptyText_ReturnsNoIds()
    {
        Vocabulary vocabulary = Vocabulary.FromText("a");

        Assert.Empty(vocabulary.Encode(""));
        Assert.Equal(0, vocabulary.Encode(ReadOnlySpan<char>.Empty, Span<int>.Empty));
        Assert.Throws<ArgumentNullException>(() => vocabulary.Encode(null!));
    }

    // ---- decode ----

    [Fact]
    public void CountChars_SupplementaryIds_CountsTwoEach()
    {
        Vocabulary vocabulary = Vocabulary.FromText("a😀");

        Assert.Equal(6, vocabulary.CountChars([0, 1, 1, 0]));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    public void Decode_IdOutOfRange_ThrowsNamingArgumentAndPosition(int badId)
    {
        Vocabulary vocabulary = Vocabulary.FromText("abc");
        int[] ids = [0, 1, badId, 2];

        ArgumentOutOfRangeException toString = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode(ids));
        ArgumentOutOfRangeException toSpan = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode(ids, new char[8]));
        ArgumentOutOfRangeException count = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.CountChars(ids));

        foreach (ArgumentOutOfRangeException exception in new[] { toString, toSpan, count })
        {
            Assert.Equal("ids", exception.ParamName);
            Assert.Equal(badId, exception.ActualValue);
            Assert.Contains($"id {badId} at index 2", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_DestinationTooShort_ThrowsArgument()
    {
        Vocabulary vocabulary = Vocabulary.FromText("a😀");

        ArgumentException exception = Assert.Throws<ArgumentException>(() => vocabulary.Decode([0, 1], new char[2]));
        Assert.Equal("destination", exception.ParamName);
    }

    [Fact]
    public void Decode_DestinationOfCharCount_WritesText()
    {
        Vocabulary vocabulary = Vocabulary.FromText("a😀");
        char[] destination = new char[3];

        Assert.Equal(3, vocabulary.Decode([1, 0], destination));
        Assert.Equal("😀a", new string(destination));
        Assert.Equal("", vocabulary.Decode([]));
    }

    // ---- JSON ----

    [Fact]
    public void ToJson_SmallVocabulary_IsCompact()
    {
        Assert.Equal("""{"characters":["\n"," ","a","é"]}""", Vocabulary.FromText("a é\n").ToJson());
        Assert.Equal("{\"characters\":[\"a\",\"b\",\"\uFFFD\"],\"unknownId\":2}", Vocabulary.FromText("ba", Replacement).ToJson());
    }

    [Fact]
    public void FromJson_ToJsonOutput_RoundTrips()
    {
        Vocabulary[] vocabularies =
        [
            Vocabulary.FromText("The quick brown 🦊 jumps over \"the\" lazy\t\\dog\n"),
            Vocabulary.FromText("e\u0301\u00E9<>&'+`\u2028\u0000", Replacement),
            Vocabulary.FromText("?", new Rune('?')),
        ];

        foreach (Vocabulary vocabulary in vocabularies)
        {
            Vocabulary read = Vocabulary.FromJson(vocabulary.ToJson());
            Assert.Equal(vocabulary, read);
            Assert.Equal(vocabulary.UnknownId, read.UnknownId);
        }
    }

    [Fact]
    public void FromJson_NullUnknownIdAndWhitespace_Accepted()
    {
        Vocabulary read = Vocabulary.FromJson("""  { "unknownId" : null, "characters" : [ "a", "\uD83D\uDE00" ] }  """);

        Assert.Equal(Vocabulary.FromText("a😀"), read);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("""["a","b"]""")]
    [InlineData("""{}""")]
    [InlineData("""{"characters":"ab"}""")]
    [InlineData("""{"characters":[]}""")]
    [InlineData("""{"characters":["a",1]}""")]
    [InlineData("""{"characters":["a",null]}""")]
    [InlineData("""{"characters":["a","bc"]}""")]
    [InlineData("""{"characters":["a",""]}""")]
    [InlineData("""{"characters":["a","e\u0301"]}""")]
    [InlineData("""{"characters":["a","😀b"]}""")]
    [InlineData("""{"characters":["a","\uD800"]}""")]
    [InlineData("""{"characters":["a","\uDE00\uD83D"]}""")]
    [InlineData("""{"characters":["a","b","b"]}""")]
    [InlineData("""{"characters":["b","a"]}""")]
    [InlineData("""{"characters":["😀","！"]}""")]
    [InlineData("""{"characters":["a","b"],"unknownId":2}""")]
    [InlineData("""{"characters":["a","b"],"unknownId":-1}""")]
    [InlineData("""{"characters":["a","b"],"unknownId":1.5}""")]
    [InlineData("""{"characters":["a","b"],"unknownId":"1"}""")]
    [InlineData("""{"characters":["a","b"],"unknownId":99999999999}""")]
    [InlineData("""{"characters":["a","b"],"extra":1}""")]
    [InlineData("""{"characters":["a"],"characters":["a"]}""")]
    [InlineData("""{"characters":["a","b"]""")]
    [InlineData("""{"characters":["a","b"],}""")]
    public void FromJson_CorruptData_ThrowsInvalidData(string json)
    {
        Assert.Throws<InvalidDataException>(() => Vocabulary.FromJson(json));
    }

    [Fact]
    public void FromJson_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => Vocabulary.FromJson(null!));
    }

    [Fact]
    public void FromJson_Duplicate_MessageNamesCharacterAndId()
    {
        InvalidDataException exception = Assert.Throws<InvalidDataException>(
            () => Vocabulary.FromJson("""{"characters":["a","b","b"]}"""));

        Assert.Contains("'b' (U+0062) at id 2", exception.Message, StringComparison.Ordinal);
    }

    // ---- equality ----

    [Fact]
    public void Equals_SameContent_EqualWithSameHash()
    {
        Vocabulary first = Vocabulary.FromText("hello");
        Vocabulary second = Vocabulary.FromText("olleh");

        Assert.True(first.Equals(second));
        Assert.True(first.Equals((object)second));
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentCharactersOrUnknownId_NotEqual()
    {
        Vocabulary plain = Vocabulary.FromText("ab\uFFFD");

        Assert.NotEqual(plain, Vocabulary.FromText("ab"));
        Assert.NotEqual(plain, Vocabulary.FromText("ab", Replacement));   // same characters, different unknown id
        Assert.False(plain.Equals(null));
        Assert.False(plain.Equals("ab"));
    }

    [Fact]
    public void ToString_WithUnknownId_ShowsCountAndUnknownId()
    {
        Assert.Equal("Vocabulary(Count = 3)", Vocabulary.FromText("abc").ToString());
        Assert.Equal("Vocabulary(Count = 3, UnknownId = 2)", Vocabulary.FromText("ab", Replacement).ToString());
    }

    // ---- properties ----

    [Property(Arbitrary = [typeof(UnicodeArbitraries)], MaxTest = 300)]
    public bool EncodeDecode_RandomValidText_RoundTrips(ValidText text)
    {
        Vocabulary vocabulary = Vocabulary.FromText(text.Value);
        int[] ids = vocabulary.Encode(text.Value);

        int[] spanIds = new int[text.Value.Length];
        int written = vocabulary.Encode(text.Value, spanIds);
        char[] chars = new char[2 * ids.Length];
        int charCount = vocabulary.Decode(ids, chars);

        return ids.Length == text.Runes.Length
            && written == ids.Length
            && spanIds.AsSpan(0, written).SequenceEqual(ids)
            && vocabulary.Decode(ids) == text.Value
            && new string(chars, 0, charCount) == text.Value
            && vocabulary.CountChars(ids) == text.Value.Length;
    }

    [Property(Arbitrary = [typeof(UnicodeArbitraries)], MaxTest = 300)]
    public bool FromText_RandomValidText_HoldsSortedDistinctRunes(ValidText text)
    {
        Vocabulary vocabulary = Vocabulary.FromText(text.Value);
        int[] expected = text.Runes.Select(rune => rune.Value).Distinct().Order().ToArray();

        return vocabulary.Characters.Select(rune => rune.Value).SequenceEqual(expected)
            && Vocabulary.CountRunes(text.Value) == text.Runes.Length;
    }

    [Property(Arbitrary = [typeof(UnicodeArbitraries)], MaxTest = 300)]
    public bool FromJson_RandomVocabulary_RoundTrips(ValidText text, bool withUnknown)
    {
        Vocabulary vocabulary = withUnknown ? Vocabulary.FromText(text.Value, Replacement) : Vocabulary.FromText(text.Value);
        Vocabulary read = Vocabulary.FromJson(vocabulary.ToJson());

        return read.Equals(vocabulary) && read.GetHashCode() == vocabulary.GetHashCode();
    }

    [Property(Arbitrary = [typeof(UnicodeArbitraries)], MaxTest = 200)]
    public bool Encode_UnknownIdModeOtherText_NeverThrowsAndKeepsKnownCharacters(ValidText training, ValidText other)
    {
        Vocabulary vocabulary = Vocabulary.FromText(training.Value, Replacement);
        string decoded = vocabulary.Decode(vocabulary.Encode(other.Value));
        string expected = Concat(other.Runes.Select(rune => vocabulary.Contains(rune) ? rune : Replacement));

        return decoded == expected;
    }

    private static string Concat(IEnumerable<Rune> runes) => string.Concat(runes.Select(rune => rune.ToString()));

    /// <summary>A non-empty string of valid UTF-16, with the runes it was built from.</summary>
    public sealed record ValidText(Rune[] Runes)
    {
        public string Value { get; } = Concat(Runes);

        public override string ToString() =>
            string.Join(" ", Runes.Select(rune => $"U+{rune.Value:X4}"));
    }

    /// <summary>Named generators for valid Unicode text.</summary>
    public static class UnicodeArbitraries
    {
        private const int SurrogateCount = 0xE000 - 0xD800;

        /// <summary>Any scalar value: the surrogate range is skipped by shifting values above it.</summary>
        private static Gen<Rune> AnyRune =>
            Gen.Choose(0, 0x10FFFF - SurrogateCount)
                .Select(value => new Rune(value >= 0xD800 ? value + SurrogateCount : value));

        /// <summary>Mostly small alphabets so characters repeat, with some of every plane.</summary>
        private static Gen<Rune> MixedRune =>
            Gen.Frequency(
                (4, Gen.Choose('a', 'h').Select(value => new Rune(value))),
                (2, Gen.Choose(0, 0x7F).Select(value => new Rune(value))),
                (2, Gen.Choose(0x80, 0x36F).Select(value => new Rune(value))),          // Latin-1, accents, combining marks
                (2, Gen.Choose(0x1F600, 0x1F64F).Select(value => new Rune(value))),     // emoji (surrogate pairs)
                (1, Gen.Choose(0xE000, 0xFFFF).Select(value => new Rune(value))),       // just above the surrogates
                (2, AnyRune));

        public static Arbitrary<ValidText> ValidText() =>
            Arb.From(Gen.NonEmptyListOf(MixedRune).Select(runes => new ValidText([.. runes])), Shrink);

        private static IEnumerable<ValidText> Shrink(ValidText text)
        {
            for (int index = 0; index < text.Runes.Length && text.Runes.Length > 1; index++)
            {
                yield return new ValidText([.. text.Runes[..index], .. text.Runes[(index + 1)..]]);
            }
        }
    }
}
