using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace LstmSharp.Text;

/// <summary>
/// The characters a model reads and writes, and their ids: the distinct Unicode scalar values
/// (<see cref="Rune"/>s, not UTF-16 code units or bytes) of a training text, sorted by scalar value,
/// so id <c>i</c> is the <c>i</c>-th smallest character. Emoji and characters outside the Basic
/// Multilingual Plane are one character each. Text is not normalized: a precomposed <c>é</c> (U+00E9)
/// and <c>e</c> followed by a combining acute accent (U+0301) are different sequences; call
/// <see cref="string.Normalize()"/> first if they should be the same.
/// </summary>
/// <remarks>
/// By default an unknown character is an error. A vocabulary built with an unknown character
/// (for example U+FFFD) maps every character it does not hold to that character's id instead.
/// Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class Vocabulary : IEquatable<Vocabulary>
{
    private const int TableSize = 256;               // Latin-1 characters are looked up in an array, the rest in a dictionary
    private const string CharactersProperty = "characters";
    private const string UnknownIdProperty = "unknownId";

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Keeps letters of every script readable and compact; characters outside the BMP and controls stay escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    private readonly Rune[] _characters;             // (V): sorted by scalar value, distinct
    private readonly int[] _table;                   // (256): id of each Latin-1 character, or -1
    private readonly Dictionary<int, int> _ids;      // id of each character above U+00FF, keyed by scalar value
    private readonly int _unknownId;                 // -1 when unknown characters are an error

    private Vocabulary(Rune[] characters, int unknownId)
    {
        _characters = characters;
        _unknownId = unknownId;
        _table = new int[TableSize];
        _table.AsSpan().Fill(-1);
        _ids = [];
        for (int id = 0; id < characters.Length; id++)
        {
            int value = characters[id].Value;
            if (value < TableSize)
            {
                _table[value] = id;
            }
            else
            {
                _ids.Add(value, id);
            }
        }

        Characters = Array.AsReadOnly(characters);
    }

    /// <summary>The number of characters, V: ids run from 0 to <c>Count − 1</c>.</summary>
    public int Count => _characters.Length;

    /// <summary>The characters in id order (ascending scalar value).</summary>
    public IReadOnlyList<Rune> Characters { get; }

    /// <summary>
    /// The id that characters outside the vocabulary map to, or <see langword="null"/> when an unknown
    /// character is an error.
    /// </summary>
    public int? UnknownId => _unknownId < 0 ? null : _unknownId;

    /// <summary>
    /// The character that stands for unknown characters, or <see langword="null"/> when an unknown
    /// character is an error. It is itself part of the vocabulary, at <see cref="UnknownId"/>.
    /// </summary>
    public Rune? UnknownCharacter => _unknownId < 0 ? null : _characters[_unknownId];

    /// <summary>Gets the character with the given id.</summary>
    /// <param name="id">The id, from 0 to <see cref="Count"/> − 1.</param>
    /// <returns>The character.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is negative or not less than <see cref="Count"/>.</exception>
    public Rune this[int id]
    {
        get
        {
            if ((uint)id >= (uint)_characters.Length)
            {
                ThrowIdOutOfRange(nameof(id), id, position: -1);
            }

            return _characters[id];
        }
    }

    /// <summary>Builds the vocabulary of one text: its distinct characters, sorted by scalar value.</summary>
    /// <param name="text">The text, valid UTF-16.</param>
    /// <param name="unknownCharacter">
    /// When given, the character that unknown characters encode to (for example U+FFFD); it joins the
    /// vocabulary if the text lacks it. When <see langword="null"/>, encoding an unknown character throws.
    /// </param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or holds a lone surrogate.</exception>
    public static Vocabulary FromText(string text, Rune? unknownCharacter = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FromText(text.AsSpan(), unknownCharacter);
    }

    /// <summary>Builds the vocabulary of one text: its distinct characters, sorted by scalar value.</summary>
    /// <param name="text">The text, valid UTF-16.</param>
    /// <param name="unknownCharacter">
    /// When given, the character that unknown characters encode to (for example U+FFFD); it joins the
    /// vocabulary if the text lacks it. When <see langword="null"/>, encoding an unknown character throws.
    /// </param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or holds a lone surrogate.</exception>
    public static Vocabulary FromText(ReadOnlySpan<char> text, Rune? unknownCharacter = null)
    {
        if (text.IsEmpty)
        {
            ThrowHelper.ThrowArgument("The text is empty.", nameof(text));
        }

        var collector = new CharacterCollector();
        collector.Add(text, nameof(text), textIndex: -1);
        return collector.Build(unknownCharacter);
    }

    /// <summary>
    /// Builds the vocabulary of several texts: the distinct characters of all of them, sorted by scalar value.
    /// Some texts may be empty, but not all.
    /// </summary>
    /// <param name="texts">The texts, each valid UTF-16.</param>
    /// <param name="unknownCharacter">
    /// When given, the character that unknown characters encode to (for example U+FFFD); it joins the
    /// vocabulary if the texts lack it. When <see langword="null"/>, encoding an unknown character throws.
    /// </param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// A text is <see langword="null"/> or holds a lone surrogate, or all the texts are empty.
    /// </exception>
    public static Vocabulary FromTexts(IEnumerable<string> texts, Rune? unknownCharacter = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var collector = new CharacterCollector();
        int textIndex = 0;
        foreach (string text in texts)
        {
            if (text is null)
            {
                ThrowHelper.ThrowArgument($"The text at index {textIndex} is null.", nameof(texts));
            }

            collector.Add(text, nameof(texts), textIndex);
            textIndex++;
        }

        if (collector.IsEmpty)
        {
            ThrowHelper.ThrowArgument("The texts are empty.", nameof(texts));
        }

        return collector.Build(unknownCharacter);
    }

    /// <summary>Builds a vocabulary from a set of characters, sorted by scalar value; duplicates are merged.</summary>
    /// <param name="characters">The characters.</param>
    /// <param name="unknownCharacter">
    /// When given, the character that unknown characters encode to; it joins the vocabulary if
    /// <paramref name="characters"/> lacks it. When <see langword="null"/>, encoding an unknown character throws.
    /// </param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="characters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="characters"/> is empty.</exception>
    public static Vocabulary FromCharacters(IEnumerable<Rune> characters, Rune? unknownCharacter = null)
    {
        ArgumentNullException.ThrowIfNull(characters);
        var collector = new CharacterCollector();
        foreach (Rune character in characters)
        {
            collector.Add(character);
        }

        if (collector.IsEmpty)
        {
            ThrowHelper.ThrowArgument("The set of characters is empty.", nameof(characters));
        }

        return collector.Build(unknownCharacter);
    }

    /// <summary>Looks up the id of a character, without falling back to <see cref="UnknownId"/>.</summary>
    /// <param name="character">The character.</param>
    /// <param name="id">The character's id, or −1 when it is not in the vocabulary.</param>
    /// <returns>Whether the character is in the vocabulary.</returns>
    public bool TryGetId(Rune character, out int id)
    {
        id = Lookup(character.Value);
        return id >= 0;
    }

    /// <summary>Tells whether a character is in the vocabulary (the unknown character itself is).</summary>
    /// <param name="character">The character.</param>
    /// <returns>Whether the character has an id of its own.</returns>
    public bool Contains(Rune character) => Lookup(character.Value) >= 0;

    /// <summary>
    /// Counts the characters (Unicode scalar values) of a text: the number of ids
    /// <see cref="Encode(ReadOnlySpan{char}, Span{int})"/> writes for it, at most <c>text.Length</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    internal static int CountRunes(ReadOnlySpan<char> text)
    {
        int count = 0;
        int index = 0;
        while (index < text.Length)
        {
            char c = text[index];
            if (!char.IsSurrogate(c))
            {
                index++;
            }
            else if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                index += 2;
            }
            else
            {
                ThrowLoneSurrogate(nameof(text), c, index, textIndex: -1);
            }

            count++;
        }

        return count;
    }

    /// <summary>
    /// Encodes a text as ids, one per character (Unicode scalar value): effectively computes
    /// <c>destination[i] = id of the i-th character of text</c>.
    /// </summary>
    /// <param name="text">The text, valid UTF-16.</param>
    /// <param name="destination">
    /// Receives the ids; it needs one element per character (Unicode scalar value) of <paramref name="text"/>, which
    /// <c>text.Length</c> always suffices for (the returned count says how many were written).
    /// </param>
    /// <returns>The number of ids written.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="text"/> holds a lone surrogate, or a character that is not in the vocabulary when
    /// <see cref="UnknownId"/> is <see langword="null"/> (the message names the character and its UTF-16
    /// index); or <paramref name="destination"/> is too short. On a bad character,
    /// <paramref name="destination"/> may already hold the ids before it.
    /// </exception>
    public int Encode(ReadOnlySpan<char> text, Span<int> destination)
    {
        if (destination.Length < text.Length)
        {
            int needed = CountRunes(text);
            if (destination.Length < needed)
            {
                ThrowDestinationTooShort(nameof(destination), needed, destination.Length);
            }
        }

        int written = 0;
        int index = 0;
        while (index < text.Length)
        {
            Rune rune;
            int consumed = 1;
            char c = text[index];
            if (c < TableSize)
            {
                // Most training text is Latin-1: skip the decoder.
                rune = new Rune(c);
            }
            else if (Rune.DecodeFromUtf16(text[index..], out rune, out consumed) != OperationStatus.Done)
            {
                ThrowLoneSurrogate(nameof(text), c, index, textIndex: -1);
            }

            int id = Lookup(rune.Value);
            if (id < 0)
            {
                id = _unknownId;
                if (id < 0)
                {
                    ThrowUnknownCharacter(nameof(text), rune, index);
                }
            }

            destination[written++] = id;
            index += consumed;
        }

        return written;
    }

    /// <summary>Encodes a text as ids, one per character (Unicode scalar value).</summary>
    /// <param name="text">The text, valid UTF-16.</param>
    /// <returns>The ids, one per character.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="text"/> holds a lone surrogate, or a character that is not in the vocabulary when
    /// <see cref="UnknownId"/> is <see langword="null"/> (the message names the character and its UTF-16 index).
    /// </exception>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int[] ids = new int[CountRunes(text)];
        Encode(text, ids);
        return ids;
    }

    /// <summary>
    /// Counts the UTF-16 code units that <see cref="Decode(ReadOnlySpan{int}, Span{char})"/> writes
    /// for the given ids (2 for a character outside the Basic Multilingual Plane, 1 otherwise).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not less than <see cref="Count"/>.</exception>
    internal int CountChars(ReadOnlySpan<int> ids)
    {
        int count = 0;
        for (int position = 0; position < ids.Length; position++)
        {
            int id = ids[position];
            if ((uint)id >= (uint)_characters.Length)
            {
                ThrowIdOutOfRange(nameof(ids), id, position);
            }

            count += _characters[id].Utf16SequenceLength;
        }

        return count;
    }

    /// <summary>
    /// Decodes ids to text: effectively appends <c>this[ids[i]]</c> as UTF-16 to
    /// <paramref name="destination"/> for each <c>i</c>.
    /// </summary>
    /// <param name="ids">The ids, each from 0 to <see cref="Count"/> − 1.</param>
    /// <param name="destination">
    /// Receives the text; it needs one element per id, two for a character outside the Basic Multilingual Plane, which
    /// <c>2 · ids.Length</c> always suffices for (the returned count says how many were written).
    /// </param>
    /// <returns>The number of <see cref="char"/>s written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// An id is negative or not less than <see cref="Count"/>; the message gives its position in <paramref name="ids"/>.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public int Decode(ReadOnlySpan<int> ids, Span<char> destination)
    {
        if (destination.Length < 2 * (long)ids.Length)
        {
            int needed = CountChars(ids);
            if (destination.Length < needed)
            {
                ThrowDestinationTooShort(nameof(destination), needed, destination.Length);
            }
        }

        int written = 0;
        for (int position = 0; position < ids.Length; position++)
        {
            int id = ids[position];
            if ((uint)id >= (uint)_characters.Length)
            {
                ThrowIdOutOfRange(nameof(ids), id, position);
            }

            written += _characters[id].EncodeToUtf16(destination[written..]);
        }

        return written;
    }

    /// <summary>Decodes ids to a string.</summary>
    /// <param name="ids">The ids, each from 0 to <see cref="Count"/> − 1.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// An id is negative or not less than <see cref="Count"/>; the message gives its position in <paramref name="ids"/>.
    /// </exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        int length = CountChars(ids);
        return string.Create(length, new DecodeState(this, ids), static (destination, state) =>
            state.Vocabulary.Decode(state.Ids, destination));
    }

    /// <summary>
    /// Writes the vocabulary as compact JSON, for example <c>{"characters":["\n"," ","a","é"],"unknownId":2}</c>:
    /// one string per character in id order, and the unknown id when there is one. Small enough to sit in
    /// a safetensors <c>__metadata__</c> entry.
    /// </summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(CharactersProperty);
            Span<char> utf16 = stackalloc char[2];
            foreach (Rune character in _characters)
            {
                writer.WriteStringValue(utf16[..character.EncodeToUtf16(utf16)]);
            }

            writer.WriteEndArray();
            if (_unknownId >= 0)
            {
                writer.WriteNumber(UnknownIdProperty, _unknownId);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads a vocabulary written by <see cref="ToJson"/>, checking that it is well formed: a non-empty
    /// <c>characters</c> array of strings of exactly one Unicode scalar value each, strictly ascending
    /// (so sorted, without duplicates), and an optional <c>unknownId</c> that is a valid id. No other
    /// property is accepted.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The text is not JSON, or not a well-formed vocabulary.</exception>
    public static Vocabulary FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return FromJsonElement(document.RootElement);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The vocabulary is not valid JSON: {exception.Message}", exception);
        }
    }

    /// <summary>Tells whether two vocabularies have the same characters and the same unknown id.</summary>
    /// <param name="other">The other vocabulary.</param>
    /// <returns>Whether they encode and decode alike.</returns>
    public bool Equals([NotNullWhen(true)] Vocabulary? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (_unknownId == other._unknownId && _characters.AsSpan().SequenceEqual(other._characters)));

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => Equals(obj as Vocabulary);

    /// <summary>A hash of the characters and the unknown id, consistent with <see cref="Equals(Vocabulary)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_unknownId);
        foreach (Rune character in _characters)
        {
            hash.Add(character.Value);
        }

        return hash.ToHashCode();
    }

    /// <summary>A short description, for example <c>Vocabulary(Count = 65, UnknownId = 64)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => _unknownId < 0
        ? string.Create(CultureInfo.InvariantCulture, $"Vocabulary(Count = {Count})")
        : string.Create(CultureInfo.InvariantCulture, $"Vocabulary(Count = {Count}, UnknownId = {_unknownId})");

    private int Lookup(int value)
    {
        if (value < TableSize)
        {
            return _table[value];
        }

        return _ids.TryGetValue(value, out int id) ? id : -1;
    }

    private static Vocabulary FromJsonElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"The vocabulary must be a JSON object, not {root.ValueKind}.");
        }

        JsonElement? characters = null;
        JsonElement? unknown = null;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (property.NameEquals(CharactersProperty) && characters is null)
            {
                characters = property.Value;
            }
            else if (property.NameEquals(UnknownIdProperty) && unknown is null)
            {
                unknown = property.Value;
            }
            else
            {
                throw new InvalidDataException($"The vocabulary has an unexpected or repeated property \"{property.Name}\".");
            }
        }

        if (characters is not { ValueKind: JsonValueKind.Array } array)
        {
            throw new InvalidDataException($"The vocabulary needs a \"{CharactersProperty}\" array.");
        }

        var runes = new Rune[array.GetArrayLength()];
        if (runes.Length == 0)
        {
            throw new InvalidDataException("The vocabulary has no characters.");
        }

        int id = 0;
        foreach (JsonElement entry in array.EnumerateArray())
        {
            runes[id] = ReadCharacter(entry, id);
            if (id > 0 && runes[id].Value <= runes[id - 1].Value)
            {
                throw new InvalidDataException(runes[id] == runes[id - 1]
                    ? $"The character {ThrowHelper.DescribeCharacter(runes[id].Value)} at id {id} repeats the one before it."
                    : $"The character {ThrowHelper.DescribeCharacter(runes[id].Value)} at id {id} is out of order: the characters must be sorted by scalar value.");
            }

            id++;
        }

        int unknownId = -1;
        if (unknown is { } value && value.ValueKind != JsonValueKind.Null)
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out unknownId)
                || (uint)unknownId >= (uint)runes.Length)
            {
                throw new InvalidDataException(
                    $"The \"{UnknownIdProperty}\" must be an id from 0 to {runes.Length - 1}, not {value.GetRawText()}.");
            }
        }

        return new Vocabulary(runes, unknownId);
    }

    private static Rune ReadCharacter(JsonElement entry, int id)
    {
        if (entry.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"The character at id {id} is a JSON {entry.ValueKind}, not a string.");
        }

        string text;
        try
        {
            text = entry.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            // An escaped lone surrogate such as "\uD800" is valid JSON but not valid UTF-16.
            throw new InvalidDataException($"The character at id {id} is not valid UTF-16: {exception.Message}", exception);
        }

        if (Rune.DecodeFromUtf16(text, out Rune rune, out int consumed) != OperationStatus.Done || consumed != text.Length)
        {
            throw new InvalidDataException(
                $"The character at id {id} must be exactly one Unicode scalar value, not {text.Length} UTF-16 code units \"{text}\".");
        }

        return rune;
    }

    [DoesNotReturn]
    private static void ThrowLoneSurrogate(string paramName, char surrogate, int index, int textIndex) =>
        ThrowHelper.ThrowArgument(
            textIndex < 0
                ? $"The text is not valid UTF-16: a lone surrogate {ThrowHelper.DescribeCharacter(surrogate)} at index {index}."
                : $"The text at index {textIndex} is not valid UTF-16: a lone surrogate {ThrowHelper.DescribeCharacter(surrogate)} at index {index}.",
            paramName);

    [DoesNotReturn]
    private static void ThrowUnknownCharacter(string paramName, Rune character, int index) =>
        ThrowHelper.ThrowArgument(
            $"The character {ThrowHelper.DescribeCharacter(character.Value)} at index {index} is not in the vocabulary.", paramName);

    [DoesNotReturn]
    private void ThrowIdOutOfRange(string paramName, int id, int position) =>
        ThrowHelper.ThrowOutOfRange(
            paramName,
            id,
            position < 0
                ? $"The id {id} is outside the vocabulary: ids run from 0 to {_characters.Length - 1}."
                : $"The id {id} at index {position} is outside the vocabulary: ids run from 0 to {_characters.Length - 1}.");

    [DoesNotReturn]
    private static void ThrowDestinationTooShort(string paramName, int needed, int actual) =>
        ThrowHelper.ThrowArgument($"The destination is too short: it needs {needed} elements but has {actual}.", paramName);

    /// <summary>The state <see cref="Decode(ReadOnlySpan{int})"/> hands to <see cref="string.Create{TState}"/>.</summary>
    private readonly ref struct DecodeState(Vocabulary vocabulary, ReadOnlySpan<int> ids)
    {
        public Vocabulary Vocabulary { get; } = vocabulary;

        public ReadOnlySpan<int> Ids { get; } = ids;
    }

    /// <summary>Gathers distinct characters while a vocabulary is built.</summary>
    private sealed class CharacterCollector
    {
        private readonly bool[] _latin1 = new bool[TableSize];   // (256): seen flags for the common case
        private readonly HashSet<int> _others = [];              // scalar values above U+00FF

        public bool IsEmpty => _others.Count == 0 && Array.IndexOf(_latin1, true) < 0;

        public void Add(Rune character)
        {
            if (character.Value < TableSize)
            {
                _latin1[character.Value] = true;
            }
            else
            {
                _others.Add(character.Value);
            }
        }

        public void Add(ReadOnlySpan<char> text, string paramName, int textIndex)
        {
            int index = 0;
            while (index < text.Length)
            {
                char c = text[index];
                if (c < TableSize)
                {
                    _latin1[c] = true;
                    index++;
                    continue;
                }

                if (Rune.DecodeFromUtf16(text[index..], out Rune rune, out int consumed) != OperationStatus.Done)
                {
                    ThrowLoneSurrogate(paramName, c, index, textIndex);
                }

                _others.Add(rune.Value);
                index += consumed;
            }
        }

        public Vocabulary Build(Rune? unknownCharacter)
        {
            if (unknownCharacter is { } unknown)
            {
                Add(unknown);
            }

            var characters = new List<Rune>(TableSize + _others.Count);
            for (int value = 0; value < TableSize; value++)
            {
                if (_latin1[value])
                {
                    characters.Add(new Rune(value));
                }
            }

            int[] others = [.. _others];
            Array.Sort(others);
            foreach (int value in others)
            {
                characters.Add(new Rune(value));
            }

            int unknownId = unknownCharacter is { } known ? characters.IndexOf(known) : -1;
            return new Vocabulary([.. characters], unknownId);
        }
    }
}
