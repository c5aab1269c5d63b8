"""Speaks Velithon's contract envelope (docs/contracts.md, "The wire format") by hand with Python's websockets
package, against the test server's /contract/wire route, and prints one line per observation.

Usage: /usr/bin/python3 contract.py ws://127.0.0.1:PORT observeId
"""
import asyncio
import json
import sys

import websockets


async def main(base, observe_id):
    async with websockets.connect(base + "/contract/wire") as wire:
        async def send(envelope):
            await wire.send(json.dumps(envelope))

        async def receive():
            return json.loads(await wire.recv())

        # A one-way message, and the one-way answer it causes.
        await send({"type": "note", "payload": {"text": "from python"}})
        envelope = await receive()
        print(envelope["type"], envelope["payload"]["text"])

        # A message its validation refuses: an error envelope naming the field by its JSON name.
        await send({"type": "note", "payload": {"text": "x" * 21}})
        envelope = await receive()
        print(envelope["type"], ",".join(envelope["errors"].keys()))

        # A request: the reply carries its id. The payload's properties may come before the type.
        await send({"id": 7, "payload": {"a": 2, "b": 3}, "type": "sum"})
        envelope = await receive()
        print(envelope["type"], envelope["id"], envelope["payload"]["total"])

        # The server asks from inside a handler; the client sends another message before its answer, which the server
        # reads while the asking handler waits.
        await send({"type": "ask-me", "payload": {"question": "who?", "timeoutMilliseconds": 60000}})
        question = await receive()
        print(question["type"], question["payload"]["text"], str(isinstance(question["id"], int) and question["id"] > 0).lower())
        await send({"type": "note", "payload": {"text": "before reply"}})
        await send({"type": "reply", "id": question["id"], "payload": {"text": "python"}})
        envelope = await receive()
        print(envelope["type"], envelope["payload"]["text"])
        envelope = await receive()
        print(envelope["type"], envelope["payload"]["text"])

        # A question left unanswered times out on the server's (fake) clock: the client is told with a cancel.
        await send({"type": "ask-me", "payload": {"question": "still there?", "timeoutMilliseconds": 5000}})
        unanswered = await receive()
        print(unanswered["type"], unanswered["payload"]["text"])
        async with websockets.connect(base + "/contract/clock/5000") as clock:
            try:
                await clock.recv()
            except websockets.ConnectionClosed:
                pass
        envelope = await receive()
        print(envelope["type"], str(envelope["id"] == unanswered["id"]).lower())
        envelope = await receive()
        print(envelope["type"], envelope["payload"]["text"])

        # A reply after the timeout is ignored, and the connection goes on.
        await send({"type": "reply", "id": unanswered["id"], "payload": {"text": "too late"}})
        await send({"type": "note", "payload": {"text": "still here"}})
        envelope = await receive()
        print(envelope["type"], envelope["payload"]["text"])

        # A request whose caller leaves before the reply: the server's reply has nowhere to go.
        await send({"type": "slow", "id": 8, "payload": {"observeId": observe_id}})
        await wire.close(1000, "leaving early")
        print("closed", wire.close_code)


asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2]), 60))
