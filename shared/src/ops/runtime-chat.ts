/**
 * The live view of a runtime.send exchange over NAT's WebSocket, as events on
 * the project's log: the answer's text in batches, intermediate steps as they
 * happen, questions the workflow asks a human (HITL), and the end. Every
 * payload names its exchange (`exchangeId`), which the caller may choose.
 */
import { z } from "zod";
import { WireError } from "../errors.ts";
import { Timestamp } from "../models.ts";
import { IntermediateStep } from "./runtime.ts";

export const ChatPromptOption = z
  .object({
    id: z.string(),
    label: z.string(),
    value: z.string().meta({ description: "NAT's value of the option (non-strings as JSON)." }),
    description: z.string().optional(),
  })
  .meta({ id: "ChatPromptOption" });

/** NAT's HumanPrompt, normalized. */
export const ChatPrompt = z
  .object({
    text: z.string(),
    inputType: z.string().meta({
      description:
        "NAT's input_type: text, notification, binary_choice, radio, checkbox, dropdown or oauth_consent (a newer NAT may add more).",
    }),
    options: z.array(ChatPromptOption).optional().meta({ description: "The choices of a choice prompt." }),
    timeoutSec: z.number().optional().meta({ description: "NAT's own timeout for the prompt." }),
    placeholder: z.string().optional(),
    required: z.boolean().optional(),
    error: z.string().optional().meta({ description: "What NAT says about the prompt once it expired." }),
  })
  .meta({ id: "ChatPrompt" });
export type ChatPrompt = z.infer<typeof ChatPrompt>;

export const ChatDeltaPayload = z
  .object({
    exchangeId: z.string(),
    index: z.number().int().min(0).meta({ description: "0, 1, 2, ... within the exchange." }),
    text: z.string().meta({ description: "The next piece of the answer (several of NAT's chunks, ~50 ms' worth)." }),
  })
  .meta({ id: "ChatDeltaPayload", description: "Payload of runtime.chat.delta." });

export const ChatStepPayload = z
  .object({
    exchangeId: z.string(),
    step: IntermediateStep.meta({
      description:
        "As runtime.send returns it, long strings in `payload` cut short. NAT resends a step with the same id and type as it progresses: replace the earlier one.",
    }),
  })
  .meta({ id: "ChatStepPayload", description: "Payload of runtime.chat.step." });

export const ChatPromptPayload = z
  .object({
    exchangeId: z.string(),
    interactionId: z.string().meta({ description: "Pass to runtime.respond." }),
    prompt: ChatPrompt,
    awaitsResponse: z.boolean().meta({
      description: "false for notifications (and OAuth consent), which NAT does not wait for: show, do not answer.",
    }),
    expiresAt: Timestamp.nullable().meta({ description: "When the agent stops waiting and fails the exchange." }),
  })
  .meta({ id: "ChatPromptPayload", description: "Payload of runtime.chat.prompt." });

export const ChatDonePayload = z
  .object({
    exchangeId: z.string(),
    status: z.enum(["completed", "failed"]),
    error: WireError.optional().meta({ description: "Why it failed: the error runtime.send answers with." }),
    traceId: z.string().optional().meta({ description: "The stored trace of a completed exchange." }),
    durationMs: z.number().min(0),
  })
  .meta({ id: "ChatDonePayload", description: "Payload of runtime.chat.done, the last event of an exchange." });

/** The payload schema of each runtime.chat.* event type. */
export const CHAT_EVENT_PAYLOADS = {
  "runtime.chat.delta": ChatDeltaPayload,
  "runtime.chat.step": ChatStepPayload,
  "runtime.chat.prompt": ChatPromptPayload,
  "runtime.chat.done": ChatDonePayload,
} as const;
