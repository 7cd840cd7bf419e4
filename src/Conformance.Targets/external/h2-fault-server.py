"""An HTTP/2 server with one fault, against which the extended CONNECT cases (category E) prove they can fail.

    h2-fault-server.py PORT accept-all   answers 200 to every request, however malformed (header validation off),
                                         and echoes each stream's DATA back on it
    h2-fault-server.py PORT refuse-all   announces SETTINGS_ENABLE_CONNECT_PROTOCOL, then answers 400 to every request

A WebSocket echo on each stream (RFC 8441), with one fault in how it treats the streams' ends:

    h2-fault-server.py PORT end-stream-ignored   never ends its side of a stream the client ended (END_STREAM)
    h2-fault-server.py PORT reset-answered       answers the client's RST_STREAM with a close frame and a RST_STREAM of its own on that stream
    h2-fault-server.py PORT streams-crossed      echoes every stream's messages on the lowest-numbered stream still open
    h2-fault-server.py PORT reset-ends-all       resets every stream of the connection when the client resets one
    h2-fault-server.py PORT goaway-on-end        ends the whole connection (GOAWAY) when the client ends or resets a stream

h2c with prior knowledge on 127.0.0.1, built on Python's h2 (Debian's python3-h2), written independently of the suite.
"""
import socket
import sys
import threading

import h2.config
import h2.connection
import h2.events
import h2.settings


WEBSOCKET_FAULTS = ("end-stream-ignored", "reset-answered", "streams-crossed", "reset-ends-all", "goaway-on-end")


def client_frames(buffer):
    """The whole WebSocket frames at the start of buffer, unmasked, as (first octet, payload); and the octets left."""
    frames = []
    while len(buffer) >= 2:
        length, at = buffer[1] & 0x7F, 2
        if length == 126:
            if len(buffer) < 4:
                break
            length, at = int.from_bytes(buffer[2:4], "big"), 4
        elif length == 127:
            if len(buffer) < 10:
                break
            length, at = int.from_bytes(buffer[2:10], "big"), 10
        key = b""
        if buffer[1] & 0x80:
            if len(buffer) < at + 4:
                break
            key, at = buffer[at:at + 4], at + 4
        if len(buffer) < at + length:
            break
        payload = buffer[at:at + length]
        if key:
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        frames.append((buffer[0], bytes(payload)))
        buffer = buffer[at + length:]
    return frames, buffer


def server_frame(first, payload):
    n = len(payload)
    length = bytes([n]) if n < 126 else bytes([126]) + n.to_bytes(2, "big") if n < 65536 else bytes([127]) + n.to_bytes(8, "big")
    return bytes([first]) + length + payload


def raw_http2_frame(frame_type, flags, stream_id, payload):
    """A frame written past h2's state machine, which would refuse to send on a closed stream."""
    return len(payload).to_bytes(3, "big") + bytes([frame_type, flags]) + stream_id.to_bytes(4, "big") + payload


def start_connection(sock):
    """The server's side of a new connection, its first SETTINGS sent with SETTINGS_ENABLE_CONNECT_PROTOCOL, as RFC 8441 3 has a client wait for."""
    config = h2.config.H2Configuration(client_side=False, validate_inbound_headers=False, header_encoding="utf-8")
    conn = h2.connection.H2Connection(config=config)
    conn.local_settings = h2.settings.Settings(client=False, initial_values={
        h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 100,
        h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL: 1,
    })
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return conn


def serve_websockets(sock, fault):
    conn = start_connection(sock)
    buffers, open_streams = {}, set()
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return
            raw = b""
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    conn.send_headers(event.stream_id, [(":status", "200")])
                    buffers[event.stream_id] = b""
                    open_streams.add(event.stream_id)
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    frames, buffers[event.stream_id] = client_frames(buffers.get(event.stream_id, b"") + event.data)
                    for first, payload in frames:
                        opcode = first & 0x0F
                        target = min(open_streams) if fault == "streams-crossed" and open_streams else event.stream_id
                        if target not in open_streams:
                            continue
                        if opcode == 0x8:
                            conn.send_data(target, server_frame(0x88, payload[:2]))
                            conn.end_stream(target)
                            open_streams.discard(target)
                        elif opcode == 0x9:
                            conn.send_data(target, server_frame(0x8A, payload))
                        elif opcode in (0x0, 0x1, 0x2):
                            conn.send_data(target, server_frame(first & 0x8F, payload))
                elif isinstance(event, h2.events.StreamEnded):
                    if fault == "goaway-on-end":
                        conn.close_connection()
                        sock.sendall(conn.data_to_send())
                        return
                    if fault != "end-stream-ignored" and event.stream_id in open_streams:
                        conn.end_stream(event.stream_id)
                        open_streams.discard(event.stream_id)
                elif isinstance(event, h2.events.StreamReset):
                    open_streams.discard(event.stream_id)
                    if fault == "goaway-on-end":
                        conn.close_connection()
                        sock.sendall(conn.data_to_send())
                        return
                    if fault == "reset-answered":
                        raw += raw_http2_frame(0x0, 0x0, event.stream_id, server_frame(0x88, (1001).to_bytes(2, "big")))
                        raw += raw_http2_frame(0x3, 0x0, event.stream_id, (0x8).to_bytes(4, "big"))
                    if fault == "reset-ends-all":
                        for other in sorted(open_streams):
                            conn.reset_stream(other, 0x8)
                        open_streams.clear()
                elif isinstance(event, h2.events.ConnectionTerminated):
                    sock.sendall(conn.data_to_send())
                    return
            sock.sendall(conn.data_to_send() + raw)
    except Exception:
        return
    finally:
        sock.close()


def serve(sock, fault):
    conn = start_connection(sock)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    status = "200" if fault == "accept-all" else "400"
                    conn.send_headers(event.stream_id, [(":status", status)], end_stream=fault != "accept-all")
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    if fault == "accept-all" and event.data:
                        conn.send_data(event.stream_id, event.data)
                elif isinstance(event, h2.events.StreamEnded):
                    if fault == "accept-all":
                        conn.end_stream(event.stream_id)
                elif isinstance(event, h2.events.ConnectionTerminated):
                    sock.sendall(conn.data_to_send())
                    return
            sock.sendall(conn.data_to_send())
    except Exception:
        return
    finally:
        sock.close()


def main():
    port, fault = int(sys.argv[1]), sys.argv[2]
    if fault not in ("accept-all", "refuse-all") + WEBSOCKET_FAULTS:
        sys.exit(f"h2-fault-server.py: unknown fault '{fault}' (accept-all, refuse-all, {', '.join(WEBSOCKET_FAULTS)})")
    listener = socket.create_server(("127.0.0.1", port))
    while True:
        sock, _ = listener.accept()
        target = serve_websockets if fault in WEBSOCKET_FAULTS else serve
        threading.Thread(target=target, args=(sock, fault), daemon=True).start()


if __name__ == "__main__":
    main()
