"""Autobahn|Testsuite's client driver loop on Python "websockets": getCaseCount, runCase for each case (every
message echoed with its type), updateReports. Usage: websockets-client.py ws://127.0.0.1:9001 AGENT, or
websockets-client.py wss://127.0.0.1:9001 AGENT CA.pem (the certificate to trust)"""
import asyncio
import ssl
import json
import sys
import urllib.parse

import websockets


TLS = None


async def get_case_count(server):
    async with websockets.connect(f"{server}/getCaseCount", ssl=TLS) as connection:
        return json.loads(await connection.recv())


async def run_case(server, case, agent):
    uri = f"{server}/runCase?case={case}&agent={urllib.parse.quote(agent)}"
    try:
        async with websockets.connect(uri, max_size=None, max_queue=None, ssl=TLS) as connection:
            async for message in connection:
                await connection.send(message)
    except websockets.exceptions.WebSocketException:
        pass  # the case may end the connection any way it likes; the suite judges it


async def update_reports(server, agent):
    async with websockets.connect(f"{server}/updateReports?agent={urllib.parse.quote(agent)}", close_timeout=600, ssl=TLS):
        pass


async def main(server, agent):
    count = await get_case_count(server)
    for case in range(1, count + 1):
        await run_case(server, case, agent)
    await update_reports(server, agent)
    print(f"websockets client: ran {count} cases as {agent}", flush=True)


if len(sys.argv) > 3:
    TLS = ssl.create_default_context(cafile=sys.argv[3])
asyncio.run(main(sys.argv[1].rstrip("/"), sys.argv[2]))
