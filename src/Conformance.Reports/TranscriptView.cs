using System.Buffers.Binary;
using System.Net;
using System.Text;
using Conformance.Engine.Wire;
using Conformance.Protocol;
using Conformance.Protocol.Deflate;

namespace Conformance.Reports;

/// <summary>One line of a case page's wire transcript: a request or response head, a frame, a folded read or write, or a note.</summary>
public sealed record TranscriptRow(string Time, string Direction, string Kind, string Header, string Payload, string Folded);

/// <summary>
/// Reads a stored transcript back into what travelled: the HTTP heads and the frames in each direction (decoded,
/// unmasked, and decompressed where the answer agreed permessage-deflate), each at the time its last stored octet was
/// written or read. Where the stored transcript is folded, the rest of that direction is shown read by read.
/// </summary>
public static class TranscriptView
{
    public const int PayloadShown = 512;

    /// <summary>
    /// What a case page's transcript may take, in characters per octet the transcript stores (a hex dump takes three),
    /// beyond <see cref="ShownCharactersAllowance"/>.
    /// </summary>
    public const int ShownCharactersPerStoredOctet = 2;
    public const int ShownCharactersAllowance = 16 * 1024;

    /// <summary>About what a row's HTML adds to its escaped text.</summary>
    private const int RowMarkup = 160;

    /// <summary>
    /// The rows a case page shows: all of them while they stay within <see cref="ShownCharactersPerStoredOctet"/> per
    /// stored octet; past that, the first rows (the opening handshake and the first frames) and the last (the closing
    /// handshake), every note, and in place of each stretch of reads, writes and frames between them one row that
    /// says how many were left out. results.json holds them.
    /// </summary>
    public static IReadOnlyList<TranscriptRow> PageRows(IReadOnlyList<TranscriptEntry> entries)
    {
        var rows = Rows(entries);
        var stored = StoredOctets(entries);
        var peer = PeerOf(entries);
        var budget = ShownCharactersAllowance + ShownCharactersPerStoredOctet * stored;
        var sizes = rows.Select(Size).ToList();
        if (sizes.Sum() <= budget) return rows;
        int first = 0, last = rows.Count;
        for (long used = 0; first < rows.Count && used + sizes[first] <= budget * 2 / 3; first++) used += sizes[first];
        for (long used = 0; last > first && used + sizes[last - 1] <= budget / 3; last--) used += sizes[last - 1];
        var shown = rows.Take(first).ToList();
        var leftOut = new List<TranscriptRow>();
        for (var i = first; i < last; i++)
        {
            if (rows[i].Direction != NoteDirection)
            {
                leftOut.Add(rows[i]);
                continue;
            }
            LeftOut(leftOut, stored, peer, shown);
            shown.Add(rows[i]);
        }
        LeftOut(leftOut, stored, peer, shown);
        shown.AddRange(rows.Skip(last));
        return shown;
    }

    /// <summary>The row that stands for a stretch of rows left out of a page, if there is one; the stretch is emptied.</summary>
    private static void LeftOut(List<TranscriptRow> leftOut, long stored, string peer, List<TranscriptRow> shown)
    {
        if (leftOut.Count == 0) return;
        var bySuite = leftOut.Count(r => r.Direction.StartsWith(SuiteDirection, StringComparison.Ordinal));
        shown.Add(new TranscriptRow(leftOut[0].Time, NoteDirection, "not shown", $"{leftOut.Count} rows",
            $"{leftOut.Count} rows ({bySuite} of the suite's, {leftOut.Count - bySuite} of the {peer}'s) from {leftOut[0].Time} to {leftOut[^1].Time} " +
            $"are not shown, to keep this page in proportion to the {stored} octets the transcript stores; results.json holds them.", ""));
        leftOut.Clear();
    }

    /// <summary>A row's length on the page, its text escaped as the template escapes it.</summary>
    private static long Size(TranscriptRow row) =>
        RowMarkup + new[] { row.Time, row.Direction, row.Kind, row.Kind, row.Header, row.Payload, row.Folded }.Sum(text => WebUtility.HtmlEncode(text).Length);

    private static long StoredOctets(IReadOnlyList<TranscriptEntry> entries) =>
        entries.Sum(e => (e.Data?.Length ?? 0) / 4 * 3 + (e.Text?.Length ?? 0));

    private const string SuiteDirection = "→ suite";
    private const string NoteDirection = "·";

    public static IReadOnlyList<TranscriptRow> Rows(IReadOnlyList<TranscriptEntry> entries)
    {
        var rows = new List<TranscriptRow>();
        var agreement = new Agreement();
        var peer = PeerOf(entries);
        var http2 = Http2Carriage.Of(entries);
        var sent = new Direction(SuiteDirection, isSent: true, carriesRequest: peer == "server", agreement, http2);
        var received = new Direction($"← {peer}", isSent: false, carriesRequest: peer == "client", agreement, http2);
        foreach (var e in entries)
        {
            var time = $"{e.T / 1000.0:0.000} ms";
            switch (e.Kind)
            {
                case WireEntryKind.Sent or WireEntryKind.Received:
                    var direction = e.Kind == WireEntryKind.Sent ? sent : received;
                    direction.Add(time, e.Data is null ? [] : Convert.FromBase64String(e.Data), e.Omitted ?? 0, e.Merged ?? 1, e.Text, rows);
                    break;
                default:
                    rows.Add(new TranscriptRow(time, NoteDirection, Describe(e.Kind, peer), "", e.Text ?? "", ""));
                    break;
            }
        }
        var end = entries.Count == 0 ? "" : $"{entries[^1].T / 1000.0:0.000} ms";
        sent.Finish(end, rows);
        received.Finish(end, rows);
        sent.Dispose();
        received.Dispose();
        return rows;
    }

    /// <summary>The heads of the exchange as they are read, and the permessage-deflate parameters they agreed.</summary>
    private sealed class Agreement
    {
        private string _requestHead = "";
        private IReadOnlyList<Protocol.Http2.HeaderField>? _request;

        /// <summary>Over HTTP/2: the extended CONNECT's header list, then its answer's.</summary>
        public void Read(IReadOnlyList<Protocol.Http2.HeaderField> fields, bool isRequest)
        {
            if (isRequest)
            {
                _request ??= fields;
                return;
            }
            if (_request is null || Deflate is not null || !fields.Any(f => f.Name == ":status")) return;
            ExtendedConnect.Judge(_request, ExtendedConnect.Response(fields), out var agreed, out _);
            Deflate = agreed;
        }

        public DeflateParameters? Deflate { get; private set; }

        public void Read(byte[] head, bool isRequest)
        {
            if (isRequest)
            {
                _requestHead = Encoding.Latin1.GetString(head);
                return;
            }
            if (UpgradeResponse.TryParse(head, head.Length, out var response, out _, out _) == ResponseParseStatus.Complete)
                Deflate = DeflateAgreement.Read(_requestHead, response!, out _);
        }
    }

    /// <summary>
    /// Whom the suite spoke to: the server when the suite wrote first (the opening request), the client when it read
    /// first (the suite serving a client).
    /// </summary>
    public static string PeerOf(IReadOnlyList<TranscriptEntry> entries) =>
        entries.FirstOrDefault(e => e.Kind is WireEntryKind.Sent or WireEntryKind.Received && !string.IsNullOrEmpty(e.Data))?.Kind == WireEntryKind.Received
            ? "client" : "server";

    private static string Describe(WireEntryKind kind, string peer) => kind switch
    {
        WireEntryKind.PeerClosed => $"{peer} closed",
        WireEntryKind.ClosedBySuite => "suite closed",
        WireEntryKind.Deadline => "deadline",
        WireEntryKind.Mark => "mark",
        WireEntryKind.TimerFired => "timer",
        WireEntryKind.Error => "error",
        WireEntryKind.RecheckPassed or WireEntryKind.RecheckFailed => "recheck",
        WireEntryKind.SharedHttp2Stream or WireEntryKind.SharedConnectionTrouble => "HTTP/2 connection",
        _ => "note",
    };

    /// <summary>The octets of one direction, decoded as far as they were stored.</summary>
    /// <param name="carriesRequest">This direction opens with the opening request (the client's side), not the answer.</param>
    private sealed class Direction(string name, bool isSent, bool carriesRequest, Agreement agreement, Http2Carriage? http2) : IDisposable
    {
        private readonly DirectionReader _reader = http2 is not null
            ? DirectionReader.OverHttp2(FrameDecoder.LargestPayloadLength, carriesPreface: carriesRequest && http2.SuiteSendsPreface, http2.Stream)
            : new(FrameDecoder.LargestPayloadLength, carriesRequest ? DirectionReader.LongestRequestHead : DirectionReader.LongestResponseHead);
        private MessageInflater? _inflater;
        private List<byte>? _compressed;
        private bool _folded;
        private bool _broken;
        private byte _messageOpcode;

        /// <summary>Who sent it, with what the suite's write was for (a step, a pong, a close) when the entry says.</summary>
        private string Who => _label is null ? name : $"{name} ({_label})";

        private string? _label;

        public void Add(string time, byte[] stored, long omitted, int merged, string? label, List<TranscriptRow> rows)
        {
            _label = label;
            if (_folded || _broken)
            {
                if (stored.Length + omitted > 0) rows.Add(Raw(time, stored, omitted, merged));
                return;
            }
            _reader.Append(stored);
            Read(time, rows);
            if (omitted == 0) return;
            _folded = true;
            var pending = _broken ? [] : _reader.Pending.ToArray();
            if (http2 is null && _reader.Head is not null && FrameHeaderParser.TryParse(pending, out var header, out _) == HeaderParseStatus.Complete)
            {
                var payload = pending[header.HeaderLength..];
                Unmask(header, payload);
                rows.Add(new TranscriptRow(time, Who, "frame", HeaderText(header), Payload(header, payload),
                    $"{header.PayloadLength - (ulong)payload.Length} of its {header.PayloadLength} payload octets and {omitted} octets in all not stored"));
            }
            else
            {
                rows.Add(Raw(time, pending, omitted, merged));
            }
        }

        /// <summary>Octets left over at the end (a head that never ended, a frame cut short) are shown as they are.</summary>
        public void Finish(string time, List<TranscriptRow> rows)
        {
            if (_folded || _broken || _reader.Pending.IsEmpty) return;
            var pending = _reader.Pending.ToArray();
            rows.Add(new TranscriptRow(time, Who, http2 is not null ? "incomplete HTTP/2 frame" : _reader.Head is not null ? "incomplete frame" : "incomplete head",
                $"{pending.Length} octets", Hex(pending, 256), ""));
        }

        private void Read(string time, List<TranscriptRow> rows)
        {
            while (!_broken)
            {
                switch (_reader.TryRead(out var frame))
                {
                    case DirectionStatus.NeedMoreData:
                        return;
                    case DirectionStatus.Head when http2 is not null:
                        rows.Add(new TranscriptRow(time, Who, "HTTP/2 preface", "the client connection preface (RFC 9113 3.4)", "PRI * HTTP/2.0 SM", ""));
                        break;
                    case DirectionStatus.Http2Frame:
                        var read = _reader.Http2Frame!;
                        if (read.Headers is { } fields && read.Frame.StreamId == http2!.Stream) agreement.Read(fields, isRequest: carriesRequest);
                        rows.Add(new TranscriptRow(time, Who, "HTTP/2 frame", read.Summary, read.Details, ""));
                        break;
                    case DirectionStatus.Head:
                        var head = Encoding.Latin1.GetString(_reader.Head!).TrimEnd('\r', '\n');
                        var firstLine = head.Split('\n')[0].TrimEnd('\r');
                        rows.Add(new TranscriptRow(time, Who, carriesRequest ? "HTTP request" : "HTTP response", firstLine, head, ""));
                        agreement.Read(_reader.Head!, isRequest: carriesRequest);
                        // Only a 101 answer is followed by frames; anything after another answer is its body.
                        if (carriesRequest || firstLine.Contains(" 101", StringComparison.Ordinal)) break;
                        _broken = true;
                        if (!_reader.Pending.IsEmpty) rows.Add(Raw(time, _reader.Pending.ToArray(), 0, 1));
                        return;
                    case DirectionStatus.Undecodable:
                        rows.Add(new TranscriptRow(time, Who, "undecodable", _reader.Error!, Hex(_reader.OctetsAtError, FrameDecoder.OctetsKeptAtError), ""));
                        _broken = true;
                        return;
                    case DirectionStatus.Frame:
                        rows.Add(new TranscriptRow(time, Who, http2 is not null ? "WebSocket frame" : "frame", HeaderText(frame!.Header),
                            Payload(frame.Header, frame.Payload) + Decompressed(frame.Header, frame.Payload), ""));
                        break;
                }
            }
        }

        private static void Unmask(FrameHeader header, byte[] payload)
        {
            if (!header.Masked) return;
            Span<byte> key = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(key, header.MaskKey);
            Masking.Apply(payload, key);
        }

        private string Payload(FrameHeader header, byte[] payload)
        {
            if (header.Opcode is Opcodes.Text or Opcodes.Binary) _messageOpcode = header.Opcode;
            var textual = header.Opcode == Opcodes.Text || header.Opcode == Opcodes.Continuation && _messageOpcode == Opcodes.Text;
            if (header.Opcode == Opcodes.Close && payload.Length >= 2)
            {
                var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
                return $"code {CloseCodes.Describe(code)}" + (payload.Length > 2 ? $", reason {Shown(payload.AsSpan(2).ToArray(), true)}" : "");
            }
            return Shown(payload, textual || header.Opcode is Opcodes.Ping or Opcodes.Pong);
        }

        /// <summary>
        /// For the frame that ends a compressed message, the message decompressed with the parameters of this side
        /// (RFC 7692 7.2.2); the frames before it in this direction have all been read, so the window is the sender's.
        /// </summary>
        private string Decompressed(FrameHeader header, byte[] unmasked)
        {
            if (agreement.Deflate is not { } deflate || Opcodes.IsControl(header.Opcode)) return "";
            if (header.Opcode != Opcodes.Continuation) _compressed = (header.Rsv & 4) != 0 ? [] : null;
            if (_compressed is null) return "";
            _compressed.AddRange(unmasked);
            if (!header.Fin) return "";
            _inflater ??= carriesRequest
                ? new MessageInflater(deflate.ClientMaxWindowBits, !deflate.ClientNoContextTakeover, LargestInflatedMessage)
                : new MessageInflater(deflate.ServerMaxWindowBits, !deflate.ServerNoContextTakeover, LargestInflatedMessage);
            var head = new List<byte>(PayloadShown);
            long length = 0;
            var utf8 = new Utf8Validator();
            void Take(ReadOnlySpan<byte> octets)
            {
                if (head.Count < PayloadShown) head.AddRange(octets[..Math.Min(octets.Length, PayloadShown - head.Count)]);
                utf8.Feed(octets);
                length += octets.Length;
            }
            _inflater.BeginMessage();
            var error = _inflater.Feed(_compressed.ToArray(), Take) ?? _inflater.EndMessage(Take);
            _compressed = null;
            return error is not null
                ? $" ⟶ does not decompress: {error}"
                : $" ⟶ decompressed, {length} octets: {Shown([.. head], length, _messageOpcode == Opcodes.Text && utf8.Status == Utf8Status.Valid)}";
        }

        /// <summary>The most a stored message is decompressed to on a page: as much as the suite decompresses.</summary>
        private const long LargestInflatedMessage = 64L * 1024 * 1024;

        public void Dispose() => _inflater?.Dispose();

        private static string Shown(byte[] payload, bool maybeText) =>
            Shown(payload.AsSpan(0, Math.Min(payload.Length, PayloadShown)).ToArray(), payload.Length, maybeText && Utf8Validator.IsValid(payload));

        /// <summary>A payload by its first octets and its length; as text when it is valid UTF-8 and shows no control characters.</summary>
        private static string Shown(byte[] head, long length, bool isText)
        {
            if (length == 0) return "";
            var more = length > PayloadShown ? $" … ({length - PayloadShown} more octets)" : "";
            if (isText && !head.Any(b => b < 0x20 && b is not (byte)'\n' and not (byte)'\t' and not (byte)'\r'))
                return "\"" + Encoding.UTF8.GetString(head) + "\"" + more;
            return Hex(head, PayloadShown) + more;
        }

        private TranscriptRow Raw(string time, byte[] stored, long omitted, int merged) =>
            new(time, Who, (isSent ? "write" : "read") + (merged > 1 ? $"s ×{merged}" : ""), $"{stored.Length + omitted} octets",
                _broken && _reader.Head is not null && !isSent ? Shown(stored, maybeText: true) : Hex(stored, 64),
                omitted > 0 ? $"{omitted} octets not stored" : "");
    }

    private static string HeaderText(FrameHeader h)
    {
        var parts = new List<string> { Opcodes.Name(h.Opcode), h.Fin ? "FIN" : "FIN=0" };
        if (h.Rsv != 0) parts.Add($"RSV={h.Rsv}");
        parts.Add(h.Masked ? $"mask {h.MaskKey:x8}" : "unmasked");
        parts.Add($"{h.PayloadLength} octets");
        if (!h.MinimalLengthEncoding) parts.Add("non-minimal length");
        return string.Join(" · ", parts);
    }

    private static string Hex(byte[] bytes, int limit)
    {
        var shown = Convert.ToHexString(bytes, 0, Math.Min(bytes.Length, limit)).ToLowerInvariant();
        var spaced = string.Join(" ", Enumerable.Range(0, shown.Length / 2).Select(i => shown.Substring(i * 2, 2)));
        return bytes.Length > limit ? spaced + $" … ({bytes.Length - limit} more octets)" : spaced;
    }
}
