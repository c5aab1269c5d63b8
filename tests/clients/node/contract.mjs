// Speaks Velithon's contract envelope (docs/contracts.md, "The wire format") by hand with Node's ws package, against
// the test server's /contract/wire route, and prints one line per observation.
// Usage: node contract.mjs ws://127.0.0.1:PORT observeId
import WebSocket from "ws";

const [base, observeId] = process.argv.slice(2);

function open(path) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(base + path);
    const inbox = [];
    const waiting = [];
    let ending = null;
    socket.on("message", data => {
      const envelope = JSON.parse(data.toString());
      if (waiting.length > 0) waiting.shift().resolve(envelope); else inbox.push(envelope);
    });
    socket.once("close", code => {
      ending = `${code}`;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error(`closed ${ending}`));
    });
    socket.next = () => inbox.length > 0
      ? Promise.resolve(inbox.shift())
      : ending !== null
        ? Promise.reject(new Error(`closed ${ending}`))
        : new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    socket.closed = new Promise(resolve => socket.once("close", code => resolve(code)));
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

const send = (socket, envelope) => socket.send(JSON.stringify(envelope));

async function main() {
  const wire = await open("/contract/wire");

  // A one-way message, and the one-way answer it causes.
  send(wire, { type: "note", payload: { text: "from node" } });
  let envelope = await wire.next();
  console.log(`${envelope.type} ${envelope.payload.text}`);

  // A message its validation refuses: an error envelope naming the field by its JSON name.
  send(wire, { type: "note", payload: { text: "x".repeat(21) } });
  envelope = await wire.next();
  console.log(`${envelope.type} ${Object.keys(envelope.errors).join(",")}`);

  // A request: the reply carries its id. The payload's properties may come before the type.
  send(wire, { id: 7, payload: { a: 2, b: 3 }, type: "sum" });
  envelope = await wire.next();
  console.log(`${envelope.type} ${envelope.id} ${envelope.payload.total}`);

  // The server asks from inside a handler; the client sends another message before its answer, which the server
  // reads while the asking handler waits.
  send(wire, { type: "ask-me", payload: { question: "who?", timeoutMilliseconds: 60000 } });
  const question = await wire.next();
  console.log(`${question.type} ${question.payload.text} ${Number.isInteger(question.id) && question.id > 0}`);
  send(wire, { type: "note", payload: { text: "before reply" } });
  send(wire, { type: "reply", id: question.id, payload: { text: "node" } });
  envelope = await wire.next();
  console.log(`${envelope.type} ${envelope.payload.text}`);
  envelope = await wire.next();
  console.log(`${envelope.type} ${envelope.payload.text}`);

  // A question left unanswered times out on the server's (fake) clock: the client is told with a cancel.
  send(wire, { type: "ask-me", payload: { question: "still there?", timeoutMilliseconds: 5000 } });
  const unanswered = await wire.next();
  console.log(`${unanswered.type} ${unanswered.payload.text}`);
  const clock = await open("/contract/clock/5000");
  await clock.closed;
  envelope = await wire.next();
  console.log(`${envelope.type} ${envelope.id === unanswered.id}`);
  envelope = await wire.next();
  console.log(`${envelope.type} ${envelope.payload.text}`);

  // A reply after the timeout is ignored, and the connection goes on.
  send(wire, { type: "reply", id: unanswered.id, payload: { text: "too late" } });
  send(wire, { type: "note", payload: { text: "still here" } });
  envelope = await wire.next();
  console.log(`${envelope.type} ${envelope.payload.text}`);

  // A request whose caller leaves before the reply: the server's reply has nowhere to go.
  send(wire, { type: "slow", id: 8, payload: { observeId } });
  wire.close(1000, "leaving early");
  console.log(`closed ${await wire.closed}`);
}

main().then(() => process.exit(0), error => { console.error(error); process.exit(1); });
