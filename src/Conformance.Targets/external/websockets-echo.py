"""Echo server on Python "websockets": every message goes back with its type."""
import asyncio
import sys

import websockets


async def echo(connection, path=None):
    async for message in connection:
        await connection.send(message)


async def main(port):
    async with websockets.serve(echo, "127.0.0.1", port, max_size=None, max_queue=None):
        print(f"websockets echo server on ws://127.0.0.1:{port}/", flush=True)
        await asyncio.Future()


asyncio.run(main(int(sys.argv[1])))
