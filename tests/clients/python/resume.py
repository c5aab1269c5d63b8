"""Speaks velithon.resume.v1 by hand (docs/resumable-sessions.md) with Python's websockets package: opens a
session, drops the connection without a close frame while messages are in flight both ways, resumes it, drops and
resumes it again with the token the first resume gave (the first token is refused: a token resumes once), and prints
one line per observation; then shows two refusals.

Usage: /usr/bin/python3 resume.py ws://127.0.0.1:PORT
"""
import asyncio
import sys

import websockets

SUBPROTOCOL = "velithon.resume.v1"


class Session:
    def __init__(self, url):
        self.url = url
        self.token = None
        self.received = 0          # the server's data messages received
        self.sent = 0              # this client's data messages sent
        self.unacknowledged = []   # (number, text) the server has not acknowledged
        self.ws = None

    async def open(self, resume=False, token=None):
        offers = [SUBPROTOCOL]
        if resume:
            offers.append(f"{SUBPROTOCOL}.{self.received}.{token or self.token}")
        self.ws = await websockets.connect(self.url, subprotocols=offers)
        first = await self.ws.recv()
        if first[0] == "T":
            self.token = first[1:]
        elif first[0] == "R":
            # The server has this many of ours: the rest go again, in order, before anything new.
            have = int(first[1:])
            self.unacknowledged = [(n, t) for (n, t) in self.unacknowledged if n > have]
            for _, text in self.unacknowledged:
                await self.ws.send("D" + text)
            # Right after "R": the token the next resume offers; the one just offered is spent.
            rotated = await self.ws.recv()
            if rotated[0] != "T":
                raise RuntimeError("expected the next token after R, got " + rotated)
            self.token = rotated[1:]
        else:
            raise RuntimeError("unexpected first message " + first)

    async def send(self, text):
        self.sent += 1
        self.unacknowledged.append((self.sent, text))
        try:
            await self.ws.send("D" + text)
        except websockets.ConnectionClosed:
            pass  # kept; the resume sends it again

    async def receive(self):
        while True:
            message = await self.ws.recv()
            if message[0] == "A":
                acknowledged = int(message[1:])
                self.unacknowledged = [(n, t) for (n, t) in self.unacknowledged if n > acknowledged]
            elif message[0] == "D":
                self.received += 1
                await self.ws.send(f"A{self.received}")
                return message[1:]
            else:
                raise RuntimeError("unexpected message " + message)


async def main(base):
    url = base + "/session/chat/python"
    session = Session(url)
    await session.open()
    print("subprotocol", session.ws.subprotocol)
    hello = await session.receive()
    print("hello" if hello.startswith("hello ") else hello)
    await session.send("m1")
    print(await session.receive())

    # In flight, then dropped: no close frame, the TCP connection is aborted.
    await session.send("m2")
    await session.send("burst 3")
    session.ws.transport.abort()
    await session.send("m3")

    first_token = session.token
    await session.open(resume=True)
    print("rotated" if session.token != first_token else "same token")
    for _ in range(5):
        print(await session.receive())

    # A second drop: the first token is spent, the one the resume gave takes the session back.
    await session.send("m4")
    session.ws.transport.abort()
    await session.send("m5")
    second_token = session.token
    try:
        await session.open(resume=True, token=first_token)
        print("used accepted")
    except websockets.ConnectionClosed as closed:
        print("used refused", closed.code)
    await session.open(resume=True)
    print("rotated" if session.token != second_token else "same token")
    for _ in range(2):
        print(await session.receive())
    await session.ws.close()
    print("closed", session.ws.close_code)

    for label, token in (("ended", None), ("tampered", session.token[:-1] + ("A" if session.token[-1] != "A" else "B"))):
        try:
            await session.open(resume=True, token=token)
            await session.ws.recv()
            print(label, "not refused")
        except websockets.ConnectionClosed as closed:
            print(label, "refused", closed.code)


asyncio.run(main(sys.argv[1]))
