// Compiled with tsc --strict --noEmit against the generated clients (the test copies them beside this file):
// what a user writes compiles, and the types flow from the contract.
import WebSocket from "ws";
import { connectClientsRoom, type Said, type SumResult, type RoomSocketConnection, ContractError, RequestTimeoutError } from "./RoomSocket.js";
import { connectBoard, type BoardSnapshot, type TaskBoardSocketConnection } from "./TaskBoardSocket.js";

export async function room(): Promise<string> {
  const connection: RoomSocketConnection = connectClientsRoom("http://127.0.0.1:5000", { room: 7, userName: "ada" }, { WebSocket, reconnect: { initialDelay: 100 } });
  connection.send("say", { text: "hi", mood: "Calm", tagList: [], note: null });
  connection.send("say", { text: "hi", mood: "Excited", tagList: ["x"], note: "n" });
  const stop = connection.on("said", (said: Said) => {
    const room: number = said.room_number;
    const user: string | null | undefined = said.user_name;
    const mood: "Calm" | "Excited" = said.mood;
    void room; void user; void mood;
  });
  stop();
  connection.answer("question", question => ({ text: question.prompt, length: question.prompt.length }));
  connection.answer("question", async question => ({ text: question.prompt, length: 0 }));
  const result: SumResult = await connection.request("sum", { values: [1, 2] }, { timeout: 1000 });
  const total: number = result.total;
  const at: string | null | undefined = result.at;
  try {
    await connection.request("stall", {});
  } catch (error) {
    if (error instanceof RequestTimeoutError || error instanceof ContractError) return error.message;
  }
  connection.onClose((code: number, reason: string, willReconnect: boolean) => void [code, reason, willReconnect]);
  connection.close();
  return `${total} ${at}`;
}

export async function board(): Promise<number> {
  const connection: TaskBoardSocketConnection = connectBoard(new URL("https://example.test/app/"), { boardId: "team" });
  connection.answer("who-are-you", request => ({ name: request.board }));
  connection.send("add", { title: "milk" });
  connection.send("move", { id: 1, column: "done" });
  const snapshot: BoardSnapshot = await connection.request("get-board", {});
  return snapshot.tasks.length;
}
