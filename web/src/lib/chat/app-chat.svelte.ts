/**
 * The App mode conversation of each project, kept at module level so it
 * survives switching tabs. An exchange listens to the project's event stream
 * from before it is posted until runtime.send answers, so the answer streams
 * in even while the user looks at another tab of the same project.
 */
import { api, call } from "#lib/api/client.ts";
import type { ProjectEvents } from "#lib/events.svelte.ts";
import { session } from "#lib/session.svelte.ts";
import { uuid } from "#lib/uuid.ts";
import {
  type AssistantMessage,
  applyChatEvent,
  applyFailure,
  applyResult,
  type Message,
  newAssistantMessage,
  type PromptState,
  parseChatEvent,
  type SendVia,
  trimConversation,
} from "./exchange.ts";

/** How long the app may work on one answer (human answers not counted). */
const ANSWER_TIMEOUT_SECONDS = 300;

export class AppChat {
  readonly projectId: string;
  messages = $state<Message[]>([]);
  via = $state<SendVia>("websocket");
  draft = $state("");
  /** NAT's conversation id: keeps the app's memory of earlier turns; new with "New conversation". */
  conversationId = $state(uuid());
  busy = $derived(this.messages.some((m) => m.role === "assistant" && m.status === "streaming"));

  constructor(projectId: string) {
    this.projectId = projectId;
  }

  clear(): void {
    this.messages = [];
    this.conversationId = uuid();
  }

  async send(text: string, events: ProjectEvents): Promise<void> {
    const exchangeId = uuid();
    const via = this.via;
    this.messages.push({ role: "user", id: uuid(), text });
    this.messages.push(newAssistantMessage(exchangeId, via));
    // Kept for the whole page session: bound what it holds (200 messages, payloads on the newest 20).
    trimConversation(this.messages);
    // The reactive copy in the list: changes to it update the view.
    const message = this.messages.at(-1);
    if (message?.role !== "assistant") return;
    // Subscribed before posting, so no piece of the answer is missed.
    const off =
      via === "websocket"
        ? events.on((event) => {
            const chat = parseChatEvent(event);
            if (chat !== null) applyChatEvent(message, chat);
          })
        : null;
    try {
      const result = await call(
        api.POST("/api/v1/projects/{id}/runtime/send", {
          params: { path: { id: this.projectId } },
          body: {
            message: text,
            via,
            exchangeId,
            conversationId: this.conversationId,
            interactive: via === "websocket",
            timeoutSeconds: ANSWER_TIMEOUT_SECONDS,
          },
        }),
      );
      applyResult(message, result);
    } catch (error) {
      applyFailure(message, error);
    } finally {
      off?.();
    }
  }

  /** Answers a question of the workflow (HITL) in place. */
  async respond(message: AssistantMessage, prompt: PromptState, response: string | string[]): Promise<void> {
    prompt.state = "sending";
    prompt.error = null;
    try {
      const answered = await call(
        api.POST("/api/v1/projects/{id}/runtime/respond", {
          params: { path: { id: this.projectId } },
          body: { exchangeId: message.id, interactionId: prompt.interactionId, response },
        }),
      );
      prompt.answer = answered.text;
      prompt.state = "answered";
    } catch (error) {
      prompt.error = error;
      if (prompt.state === "sending") prompt.state = "open";
    }
  }
}

const chats = new Map<string, AppChat>();

/** Forgets every project's conversation (sign-out: the next person must not see it). */
export function clearAppChats(): void {
  for (const chat of chats.values()) {
    chat.clear();
    chat.draft = "";
  }
  chats.clear();
}
// Registered with the session rather than imported by it: session -> chat -> api client -> session would be a cycle.
session.onSignOut(clearAppChats);

export function appChat(projectId: string): AppChat {
  let chat = chats.get(projectId);
  if (chat === undefined) {
    chat = new AppChat(projectId);
    chats.set(projectId, chat);
  }
  return chat;
}

/** Which mode the Chat view shows; kept while navigating. */
export const chatView = $state<{ mode: "app" | "att" }>({ mode: "app" });
