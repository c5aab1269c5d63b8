"""Talks to the Velithon test server with Python's websockets package and prints one line per observation.

Usage: /usr/bin/python3 client.py ws://127.0.0.1:PORT observeId
"""
import asyncio
import json
import sys

import websockets


async def main(base, observe_id):
    async with websockets.connect(base + "/echo") as ws:
        await ws.send("from python")
        reply = await ws.recv()
        print("text" if isinstance(reply, str) else "binary", reply)
        await ws.send(bytes([1, 2, 3, 255]))
        reply = await ws.recv()
        print("text" if isinstance(reply, str) else "binary", reply.hex())

    async with websockets.connect(base + "/json") as ws:
        await ws.send(json.dumps({"user": "python", "text": "hi", "sequence": 1}))
        reply = json.loads(await ws.recv())
        print("json", reply["user"], reply["text"], reply["sequence"])

    async with websockets.connect(base + "/subprotocol", subprotocols=["chat.v1", "chat.v2"]) as ws:
        print("subprotocol", ws.subprotocol, await ws.recv())

    async with websockets.connect(base + "/close/4001") as ws:
        await ws.send("python reason")
        try:
            await ws.recv()
        except websockets.ConnectionClosed:
            pass
        print("server closed", ws.close_code, ws.close_reason)

    async with websockets.connect(base + "/observe?id=" + observe_id) as ws:
        print("observe", await ws.recv())
        await ws.close(4002, "python bye")
        print("client closed", ws.close_code)


asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2]), 30))
