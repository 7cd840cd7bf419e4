"""An HTTP/2 server with one fault, against which the extended CONNECT cases (category E) prove they can fail.

    h2-fault-server.py PORT accept-all   answers 200 to every request, however malformed (header validation off),
                                         and echoes each stream's DATA back on it
    h2-fault-server.py PORT refuse-all   announces SETTINGS_ENABLE_CONNECT_PROTOCOL, then answers 400 to every request

h2c with prior knowledge on 127.0.0.1, built on Python's h2 (Debian's python3-h2), written independently of the suite.
"""
import socket
import sys
import threading

import h2.config
import h2.connection
import h2.events
import h2.settings


def serve(sock, fault):
    config = h2.config.H2Configuration(client_side=False, validate_inbound_headers=False, header_encoding="utf-8")
    conn = h2.connection.H2Connection(config=config)
    # In the first SETTINGS, as RFC 8441 3 has a client wait for.
    conn.local_settings = h2.settings.Settings(client=False, initial_values={
        h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 100,
        h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL: 1,
    })
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
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
    if fault not in ("accept-all", "refuse-all"):
        sys.exit(f"h2-fault-server.py: unknown fault '{fault}' (accept-all, refuse-all)")
    listener = socket.create_server(("127.0.0.1", port))
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=serve, args=(sock, fault), daemon=True).start()


if __name__ == "__main__":
    main()
