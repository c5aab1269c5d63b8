// Speaks velithon.resume.v1 by hand (docs/resumable-sessions.md) with Node's ws package: opens a session, drops the
// connection without a close frame while messages are in flight both ways, resumes it, drops and resumes it again with
// the token the first resume gave (the first token is refused: a token resumes once), and prints one line per
// observation; then shows two refusals.
// Usage: node resume.mjs ws://127.0.0.1:PORT
import WebSocket from "ws";

const SUBPROTOCOL = "velithon.resume.v1";
const [base] = process.argv.slice(2);
const url = base + "/session/chat/node";

const session = { token: null, received: 0, sent: 0, unacknowledged: [], socket: null, inbox: [], waiting: [], closed: null };

function open(resume = false, token = null) {
  const offers = [SUBPROTOCOL];
  if (resume) offers.push(`${SUBPROTOCOL}.${session.received}.${token ?? session.token}`);
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, offers);
    session.socket = socket;
    session.closed = new Promise(done => socket.once("close", code => done(code)));
    let first = true;
    socket.on("message", data => {
      const text = data.toString();
      if (first) {
        first = false;
        if (text[0] === "T") {
          session.token = text.slice(1);
          resolve(socket);
        } else if (text[0] === "R") {
          // The server has this many of ours: the rest go again, in order, before anything new. The resume is
          // complete with the "T" that follows.
          const have = Number(text.slice(1));
          session.unacknowledged = session.unacknowledged.filter(m => m.number > have);
          for (const m of session.unacknowledged) socket.send("D" + m.text);
        }
        return;
      }
      if (text[0] === "T") {
        // Right after "R": the token the next resume offers; the one just offered is spent.
        session.token = text.slice(1);
        resolve(socket);
      } else if (text[0] === "A") {
        const acknowledged = Number(text.slice(1));
        session.unacknowledged = session.unacknowledged.filter(m => m.number > acknowledged);
      } else if (text[0] === "D") {
        session.received++;
        socket.send("A" + session.received);
        const message = text.slice(1);
        if (session.waiting.length > 0) session.waiting.shift()(message); else session.inbox.push(message);
      }
    });
    socket.once("close", code => { if (first) resolve(null); });
    socket.once("error", reject);
  });
}

function send(text) {
  session.sent++;
  session.unacknowledged.push({ number: session.sent, text });
  if (session.socket.readyState === WebSocket.OPEN) session.socket.send("D" + text);
}

const receive = () => session.inbox.length > 0 ? Promise.resolve(session.inbox.shift()) : new Promise(resolve => session.waiting.push(resolve));

async function main() {
  await open();
  console.log("subprotocol", session.socket.protocol);
  const hello = await receive();
  console.log(hello.startsWith("hello ") ? "hello" : hello);
  send("m1");
  console.log(await receive());

  // In flight, then dropped: no close frame, the TCP connection is destroyed.
  send("m2");
  send("burst 3");
  session.socket.terminate();
  await session.closed;
  send("m3");

  const firstToken = session.token;
  await open(true);
  console.log(session.token !== firstToken ? "rotated" : "same token");
  for (let i = 0; i < 5; i++) console.log(await receive());

  // A second drop: the first token is spent, the one the resume gave takes the session back.
  send("m4");
  session.socket.terminate();
  await session.closed;
  send("m5");
  const secondToken = session.token;
  const stale = await open(true, firstToken);
  console.log("used", stale === null ? "refused" : "accepted", await session.closed);
  await open(true);
  console.log(session.token !== secondToken ? "rotated" : "same token");
  for (let i = 0; i < 2; i++) console.log(await receive());
  session.socket.close(1000);
  console.log("closed", await session.closed);

  const last = session.token.at(-1);
  for (const [label, token] of [["ended", null], ["tampered", session.token.slice(0, -1) + (last === "A" ? "B" : "A")]]) {
    const opened = await open(true, token);
    console.log(label, opened === null ? "refused" : "accepted", await session.closed);
  }
}

main().catch(error => { console.error(error); process.exit(1); });
