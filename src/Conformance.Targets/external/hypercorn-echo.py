"""Echo server on Python "hypercorn" (ASGI): every WebSocket message goes back with its type, over HTTP/1.1 or,
with prior knowledge (h2c), over HTTP/2 with extended CONNECT (RFC 8441). With --tls, over TLS with a fresh
self-signed certificate (made with openssl), where ALPN offers h2 and http/1.1."""
import asyncio
import os
import subprocess
import sys
import tempfile

from hypercorn.asyncio import serve
from hypercorn.config import Config


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
    elif scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        while True:
            event = await receive()
            if event["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "bytes": event.get("bytes"), "text": event.get("text")})
    else:
        await send({"type": "http.response.start", "status": 400, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"This is a WebSocket echo server.\n"})


config = Config()
config.bind = [f"127.0.0.1:{int(sys.argv[1])}"]
config.websocket_max_message_size = 64 * 1024 * 1024
config.accesslog = None
with tempfile.TemporaryDirectory() as folder:
    if "--tls" in sys.argv[2:]:
        config.certfile, config.keyfile = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", config.keyfile, "-out", config.certfile],
                       check=True, capture_output=True)
    print(f"hypercorn echo server on 127.0.0.1:{sys.argv[1]} ({'TLS: h2 and http/1.1' if config.ssl_enabled else 'HTTP/1.1 and h2c'})", flush=True)
    asyncio.run(serve(app, config))
