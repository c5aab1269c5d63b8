// Each line after a @ts-expect-error must fail to compile: tsc --strict reports an unused directive (TS2578)
// if it does not, so this file proves that the generated types reject what the contract does not allow.
import { connectClientsRoom } from "./RoomSocket.js";
import { connectBoard } from "./TaskBoardSocket.js";

export function wrongUses(): void {
  const room = connectClientsRoom("http://127.0.0.1:5000", { room: 7 });
  const board = connectBoard("http://127.0.0.1:5000", { boardId: "team" });

  // A server-only case: the server sends "said", the client cannot.
  // @ts-expect-error
  room.send("said", { room_number: 1, user_name: null, token: null, text: "x", mood: "Calm", tags: [], note: null });
  // @ts-expect-error
  board.send("task-added", { task: { id: 1, title: "x", column: "todo" }, by: "me" });

  // A wrong field type.
  // @ts-expect-error
  room.send("say", { text: 42, mood: "Calm", tagList: [], note: null });
  // @ts-expect-error
  board.send("move", { id: "1", column: "done" });

  // An enum value the contract does not have (enums go by name in this context).
  // @ts-expect-error
  room.send("say", { text: "x", mood: "Angry", tagList: [], note: null });

  // A missing required field (a positional record parameter, even a nullable one, is sent).
  // @ts-expect-error
  room.send("say", { mood: "Calm", tagList: [], note: null });
  // @ts-expect-error
  room.send("say", { text: "x", mood: "Calm", tagList: [] });
  // @ts-expect-error
  board.send("add", {});

  // The C# name, where the JSON name is another ([JsonPropertyName("tagList")]).
  // @ts-expect-error
  room.send("say", { text: "x", mood: "Calm", tags: [], note: null });

  // A request sent one way, and a one-way message sent as a request.
  // @ts-expect-error
  room.send("sum", { values: [1] });
  // @ts-expect-error
  void room.request("say", { text: "x", mood: "Calm", tagList: [], note: null });

  // A wrong reply type from a typed handler of the server's request.
  // @ts-expect-error
  room.answer("question", question => ({ text: question.prompt }));
  // @ts-expect-error
  board.answer("who-are-you", () => ({ name: 7 }));

  // A handler for a case the server does not send.
  // @ts-expect-error
  room.on("say", () => {});

  // A missing or mistyped route value.
  // @ts-expect-error
  connectClientsRoom("http://127.0.0.1:5000", {});
  // @ts-expect-error
  connectClientsRoom("http://127.0.0.1:5000", { room: "7" });

  void room.request("sum", { values: [1] }).then(result => {
    // @ts-expect-error
    const wrong: string = result.total;
    void wrong;
  });
}
