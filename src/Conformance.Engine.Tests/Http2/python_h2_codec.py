"""The independent HTTP/2 codec the suite's own is tested against: Python's hpack and hyperframe (Debian's
python3-h2). Reads one JSON request on stdin, writes one JSON answer on stdout. Header names and values are
octets carried as Latin-1 strings; frames and blocks as hex."""
import json
import sys

from hpack import Decoder, Encoder
from hyperframe.frame import Frame, FRAMES, DataFrame, HeadersFrame, PriorityFrame, RstStreamFrame, SettingsFrame, \
    PushPromiseFrame, PingFrame, GoAwayFrame, WindowUpdateFrame, ContinuationFrame


def latin1(octets):
    return octets.decode("latin-1") if isinstance(octets, bytes) else octets


def hpack_encode(request):
    encoder = Encoder()
    blocks = []
    for header_list in request["lists"]:
        if request.get("table_size") is not None and not blocks:
            encoder.header_table_size = request["table_size"]
        pairs = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in header_list]
        blocks.append(encoder.encode(pairs, huffman=request["huffman"]).hex())
    return {"blocks": blocks}


def hpack_decode(request):
    decoder = Decoder()
    decoder.max_allowed_table_size = request.get("table_size", 4096)
    return {"lists": [[[latin1(n), latin1(v)] for n, v in decoder.decode(bytes.fromhex(b), raw=True)] for b in request["blocks"]]}


def describe(frame):
    fields = {"type": frame.type, "flags": sorted(frame.flags), "stream": frame.stream_id}
    for name in ("data", "pad_length", "error_code", "last_stream_id", "additional_data", "opaque_data",
                 "window_increment", "depends_on", "stream_weight", "exclusive", "promised_stream_id"):
        if hasattr(frame, name):
            value = getattr(frame, name)
            fields[name] = value.hex() if isinstance(value, bytes) else value
    if isinstance(frame, SettingsFrame):
        fields["settings"] = sorted([int(k), v] for k, v in frame.settings.items())
    return fields


def frames_parse(request):
    described = []
    for octets in (bytes.fromhex(f) for f in request["frames"]):
        frame, length = Frame.parse_frame_header(memoryview(octets[:9]))
        frame.parse_body(memoryview(octets[9:9 + length]))
        described.append(describe(frame))
    return {"frames": described}


def frames_made():
    data = DataFrame(1, b"hello", flags=["END_STREAM", "PADDED"])
    data.pad_length = 3
    headers = HeadersFrame(3, b"\x82\x84", flags=["END_HEADERS", "PRIORITY", "PADDED"])
    headers.pad_length, headers.depends_on, headers.stream_weight, headers.exclusive = 2, 1, 15, True
    priority = PriorityFrame(5)
    priority.depends_on, priority.stream_weight, priority.exclusive = 3, 255, False
    settings = SettingsFrame(0, settings={SettingsFrame.ENABLE_CONNECT_PROTOCOL: 1, SettingsFrame.MAX_FRAME_SIZE: 32768})
    push = PushPromiseFrame(1, b"\x82", flags=["END_HEADERS"])
    push.promised_stream_id = 2
    frames = [data, headers, priority, RstStreamFrame(7, error_code=8), settings, SettingsFrame(0, flags=["ACK"]), push,
              PingFrame(0, opaque_data=b"12345678", flags=["ACK"]),
              GoAwayFrame(0, last_stream_id=9, error_code=11, additional_data=b"calm down"),
              WindowUpdateFrame(0, window_increment=2**31 - 1), ContinuationFrame(3, b"\x86", flags=["END_HEADERS"])]
    return {"frames": [[f.serialize().hex(), describe(f)] for f in frames]}


def server_answer(request):
    """h2's server side reads the client's octets and answers the extended CONNECT on stream 1 (or the step's "stream") as the request says:
    its SETTINGS (with SETTINGS_ENABLE_CONNECT_PROTOCOL), the response's header list (Huffman-coded and indexed in
    the dynamic table, as h2 encodes), DATA, and END_STREAM or RST_STREAM, GOAWAY, or raw octets. With "connect_protocol": false, its SETTINGS
    leave SETTINGS_ENABLE_CONNECT_PROTOCOL out."""
    from h2.config import H2Configuration
    from h2.connection import H2Connection
    from h2.settings import SettingCodes, Settings
    conn = H2Connection(H2Configuration(client_side=False, header_encoding=None, validate_inbound_headers=False))
    if request.get("connect_protocol", True):
        conn.local_settings = Settings(client=False, initial_values={SettingCodes.ENABLE_CONNECT_PROTOCOL: 1})
    conn.initiate_connection()
    chunks = []
    for step in request["steps"]:
        stream = step.get("stream", 1)
        raw = b""
        if "client" in step:
            conn.receive_data(bytes.fromhex(step["client"]))
        elif "headers" in step:
            conn.send_headers(stream, [(n.encode("latin-1"), v.encode("latin-1")) for n, v in step["headers"]], end_stream=step.get("end_stream", False))
        elif "data" in step:
            conn.send_data(stream, bytes.fromhex(step["data"]), end_stream=step.get("end_stream", False))
        elif "end" in step:
            conn.end_stream(stream)
        elif "reset" in step:
            conn.reset_stream(stream, error_code=step["reset"])
        elif "goaway" in step:
            conn.close_connection(error_code=step["goaway"])
        elif "raw" in step:
            # Octets past h2's state machine: a frame on a stream h2 knows is closed.
            raw = bytes.fromhex(step["raw"])
        chunks.append((conn.data_to_send() + raw).hex())
    return {"server": chunks}


request = json.load(sys.stdin)
answer = {"hpack-encode": hpack_encode, "hpack-decode": hpack_decode, "frames-parse": frames_parse,
          "frames-made": lambda _: frames_made(), "server-answer": server_answer}[request["op"]](request)
json.dump(answer, sys.stdout)
